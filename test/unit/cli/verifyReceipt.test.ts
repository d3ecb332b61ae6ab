import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ACTION, p256, signedReceipt } from '../receipts/receiptFixture';
import { useTempFiles } from '../../support/tempFiles';

const ROOT = resolve(__dirname, '../../..');
const signer = p256();
const stranger = p256();
const NOW = '2026-12-01T10:05:00.000Z';

const tmp = useTempFiles('chainsec-verify-receipt-');
/** Writes `text` to a file in the test directory and returns its path. */
const file = tmp.file;

/** Runs `node bin/chainsec.js verify-receipt ...` as a user would. */
function cli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { code: number | null; lines: string[]; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/chainsec.js'), 'verify-receipt', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
  });
  return { code: r.status, lines: r.stdout.trimEnd().split('\n'), stderr: r.stderr };
}

describe('CLI: chainsec verify-receipt', () => {
  it('exits 0 with a last line OK for a valid receipt and its action', () => {
    // Prepare
    const receipt = file('ok.json', JSON.stringify(signedReceipt(signer.privateKey)));
    const key = file('key.pem', signer.pem);
    const action = file('action.json', JSON.stringify(ACTION));

    // Act
    const r = cli(['--receipt', receipt, '--public-key', key, '--action', action, '--now', NOW]);

    // Assess
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toMatch(
      /^OK receipt of onchain-0xfeed: approve by U0APPROVER1, U0APPROVER2 .*the action matches its digest$/,
    );
  });

  it.each([
    [
      'a changed field',
      () => ({ ...signedReceipt(signer.privateKey), decidedBy: ['U0EVE'] }),
      NOW,
      ACTION,
      /^FAIL chainsec_receipt_field_changed: /,
    ],
    ['another key', () => signedReceipt(stranger.privateKey), NOW, ACTION, /^FAIL chainsec_receipt_field_changed: /],
    [
      'a garbage signature',
      () => ({ ...signedReceipt(signer.privateKey), signature: 'AAAA' }),
      NOW,
      ACTION,
      /^FAIL chainsec_receipt_signature_invalid: /,
    ],
    [
      'a past expiresAt',
      () => signedReceipt(signer.privateKey),
      '2026-12-01T11:00:00.000Z',
      ACTION,
      /^FAIL chainsec_receipt_expired: .*expired at 2026-12-01T10:15:00.000Z/,
    ],
    [
      'a widened action',
      () => signedReceipt(signer.privateKey),
      NOW,
      { ...ACTION, parameters: { chain: 'ethereum', limit: 100, all: true } },
      /^FAIL chainsec_receipt_action_mismatch: /,
    ],
  ])('exits 1 with a FAIL line for %s', (_what, receipt, now, action, line) => {
    // Prepare
    const receiptFile = file('r.json', JSON.stringify(receipt()));
    const key = file('key.pem', signer.pem);
    const actionFile = file('a.json', JSON.stringify(action));

    // Act
    const r = cli(['--receipt', receiptFile, '--public-key', key, '--action', actionFile, '--now', now]);

    // Assess
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toMatch(line);
  });

  it('exits 2 on a --now without its zone, which would be read in the local time zone', () => {
    // Prepare: the receipt expired at 10:15Z; asked about 10:20 on a machine in Tokyo, 10:20 local is 01:20Z
    const receipt = file('zone.json', JSON.stringify(signedReceipt(signer.privateKey)));
    const key = file('k.pem', signer.pem);

    // Act
    const r = cli(['--receipt', receipt, '--public-key', key, '--now', '2026-12-01T10:20:00'], {
      ...process.env,
      TZ: 'Asia/Tokyo',
    });

    // Assess: not an OK for a receipt past its expiry in UTC
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --now 2026-12-01T10:20:00 is not an ISO-8601 instant with its zone/);
  });

  it.each([
    [
      'a receipt that is not JSON',
      () => ['--receipt', file('bad.json', '{"incidentId":'), '--public-key', file('k.pem', signer.pem)],
    ],
    [
      'a receipt missing a field',
      () => [
        '--receipt',
        file('m.json', JSON.stringify({ ...signedReceipt(signer.privateKey), keyId: undefined })),
        '--public-key',
        file('k.pem', signer.pem),
      ],
    ],
    [
      'a key file that is not a key',
      () => [
        '--receipt',
        file('ok2.json', JSON.stringify(signedReceipt(signer.privateKey))),
        '--public-key',
        file('nokey.pem', 'hello'),
      ],
    ],
    [
      'a missing receipt file',
      () => ['--receipt', join(tmp.dir, 'absent.json'), '--public-key', file('k.pem', signer.pem)],
    ],
    [
      'a bad --now',
      () => [
        '--receipt',
        file('ok3.json', JSON.stringify(signedReceipt(signer.privateKey))),
        '--public-key',
        file('k.pem', signer.pem),
        '--now',
        'soon',
      ],
    ],
    ['no --receipt', () => ['--public-key', file('k.pem', signer.pem)]],
  ])('exits 2 on unusable input: %s', (_what, args) => {
    // Act
    const r = cli(args());

    // Assess
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: /);
  });
});
