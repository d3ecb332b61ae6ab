'use strict';
// One cold start (bench/coldStart.ts spawns this in a fresh Node process):
// require the bundle, invoke its Lambda handler once with the event in
// BENCH_EVENT, then report performance.now() — milliseconds since this process
// started — once the first invocation has returned (handler ready).
const bundle = process.argv[2];
const event = JSON.parse(process.env.BENCH_EVENT);
const started = Date.now();
const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'bench-cold-start',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench-cold-start',
  memoryLimitInMB: '512',
  awsRequestId: 'bench-' + process.pid,
  logGroupName: '/aws/lambda/bench-cold-start',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => Math.max(0, 10000 - (Date.now() - started)),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
const requireStart = performance.now();
const { handler } = require(bundle);
const requiredAt = performance.now();
handler(event, context).then(
  (res) => {
    const readyMs = performance.now();
    const line = JSON.stringify({
      readyMs,
      requireStartMs: requireStart,
      requiredMs: requiredAt,
      statusCode: res?.statusCode,
      body: res && typeof res.body === 'string' ? res.body.slice(0, 200) : '',
    });
    // SDK keep-alive sockets would hold the process open: exit once reported.
    process.stdout.write(`\nBENCH_RESULT ${line}\n`, () => process.exit(0));
  },
  (e) => {
    process.stderr.write(`cold start invocation failed: ${e?.stack || e}\n`);
    process.exit(1);
  },
);
