import { spawn } from 'node:child_process';
import path from 'node:path';

/** `npm start` as a person runs it: the ready line, a working endpoint, a clean stop on SIGTERM. */
describe('E2E: npm start', () => {
  it('prints the ready line, answers, and stops every child on SIGTERM', async () => {
    // Prepare
    const root = path.resolve(__dirname, '../..');
    const port = 3900 + Math.floor(Math.random() * 90);
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['sandbox/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), CHAINSEC_TEST_DYNAMODB_ENDPOINT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));

    // Act
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 60_000);
      child.stdout.on('data', () => {
        if (out.includes(`chainsec sandbox ready on http://localhost:${port}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const key = await (await fetch(`http://localhost:${port}/sandbox/public-key`)).text();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await exited;
    // Every process of the group (tsx, node, DynamoDB Local's java) must be gone shortly after.
    const groupAlive = async (): Promise<boolean> => {
      try {
        process.kill(-child.pid!, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 10_000;
    while ((await groupAlive()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

    // Assess
    expect(key).toContain('BEGIN PUBLIC KEY');
    expect(code).toBe(0);
    expect(await groupAlive()).toBe(false);
  }, 90_000);
});
