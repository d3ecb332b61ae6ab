import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { Sandbox } from '../../sandbox/Sandbox';
import { artifactPath, ensureChromium, launchChromium } from '../support/browser';

/**
 * The sandbox page (docs/SANDBOX.md, `GET /`) in a real browser: a critical
 * card approved by two people, the ledger verified in the page, a viewer's
 * refusal shown only to them, and a hostile agent text that stays inert.
 */

const chromiumFound = ensureChromium();
if (chromiumFound.path === undefined) {
  // eslint-disable-next-line no-console
  console.warn(`SKIPPING the sandbox page browser test: ${chromiumFound.reason}`);
}
const describeWithBrowser = chromiumFound.path ? describe : describe.skip;

jest.setTimeout(120_000);

describeWithBrowser('sandbox page (browser)', () => {
  let sb: Sandbox;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const endpoint = process.env.CHAINSEC_TEST_DYNAMODB_ENDPOINT;
    sb = new Sandbox({ port: 0, ...(endpoint && { dynamoDbEndpoint: endpoint }) });
    const [, launched] = await Promise.all([sb.start(), launchChromium(chromiumFound.path!)]);
    browser = launched;
    context = await browser.newContext({ viewport: { width: 1480, height: 1200 } });
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    // Records CSP violations: an injected <img onerror> or inline <script> would show up here.
    await page.addInitScript(() => {
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await sb?.stop();
  });

  /** Picks a sample in the form, sends it, and returns the raw event the page posted. */
  async function sendSample(sampleId: string): Promise<Record<string, unknown>> {
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/sandbox/incidents'));
    if (sampleId === 'hostile') {
      await page.click('#sample-hostile');
    } else {
      await page.selectOption('#sample-select', sampleId);
      await page.click('#sample-send');
    }
    return (await posted).postDataJSON() as Record<string, unknown>;
  }

  /** The top-level message showing `text` (a tx_hash), once it is there. */
  async function cardWith(text: string): Promise<Locator> {
    const card = page.locator('.messages > .msg', { hasText: text });
    await card.first().waitFor({ state: 'visible', timeout: 20_000 });
    return card.first();
  }

  async function actAs(user: string): Promise<void> {
    await page.selectOption('#user-select', user);
  }

  async function openApprovals(): Promise<void> {
    await page.click('.nav-item[data-view="channel:C0APPROVALS"]');
  }

  /** Clicks a card button and confirms its Slack `confirm` dialog in the page's modal. */
  async function clickAndConfirm(card: Locator, actionId: string, expectedTitle: RegExp): Promise<void> {
    await card.locator(`button[data-action-id="${actionId}"]`).click();
    const modal = page.locator('#confirm-modal');
    await modal.waitFor({ state: 'visible' });
    await expectText(page.locator('#confirm-title'), expectedTitle);
    await page.click('#confirm-ok');
    await modal.waitFor({ state: 'hidden' });
  }

  async function expectText(locator: Locator, pattern: RegExp, timeout = 15_000): Promise<string> {
    const deadline = Date.now() + timeout;
    let last = '';
    while (Date.now() < deadline) {
      last =
        (await locator
          .first()
          .textContent()
          .catch(() => '')) ?? '';
      if (pattern.test(last)) return last;
      await page.waitForTimeout(100);
    }
    throw new Error(`expected ${String(pattern)}, last text: ${last.slice(0, 500)}`);
  }

  it('serves the page with a strict CSP and validates its UI routes', async () => {
    const res = await fetch(`${sb.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("object-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${sb.url}/web/style.css`)).headers.get('content-type')).toMatch(/^text\/css/);
    expect((await fetch(`${sb.url}/web/%2e%2e%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${sb.url}/web/PageContext.ts`)).status).toBe(404);

    const badUser = await fetch(`${sb.url}/sandbox/ui/click`, {
      method: 'POST',
      body: JSON.stringify({
        user: 'U0NOBODY',
        channel: 'C0APPROVALS',
        messageTs: '1.000001',
        actionId: 'chainsec_approve',
      }),
    });
    expect(badUser.status).toBe(400);
    expect(JSON.stringify(await badUser.json())).toContain('user: must be one of the sandbox identities');
    const noTs = await fetch(`${sb.url}/sandbox/ui/click`, {
      method: 'POST',
      body: JSON.stringify({ user: 'U0APPROVER1', channel: 'C0APPROVALS', actionId: 'x' }),
    });
    expect(noTs.status).toBe(400);
    expect(JSON.stringify(await noTs.json())).toContain('messageTs');
    expect((await fetch(`${sb.url}/sandbox/ui/command`, { method: 'POST', body: '{' })).status).toBe(400);
    expect((await fetch(`${sb.url}/sandbox/ui/home?user=U0APPROVER1`)).status).toBe(200);
  });

  it('approves a critical card with two people, then verifies the ledger in the browser', async () => {
    await page.goto(sb.url);
    await page.waitForSelector('body[data-ready="true"]');
    await actAs('U0APPROVER1');

    const event = await sendSample('onchain-critical');
    const txHash = String(event.tx_hash);
    const card = await cardWith(txHash);
    const ts = await card.getAttribute('data-ts');
    expect(await card.getAttribute('data-tier')).toBe('critical');
    await card.locator('button[data-action-id="chainsec_approve"]').waitFor();
    await page.screenshot({ path: artifactPath('sandbox-page.png') });

    await clickAndConfirm(card, 'chainsec_approve', /Approve this action\?/);
    await expectText(
      page.locator('.msg[data-kind="ephemeral"]', { hasText: 'vote is recorded' }),
      /approve vote is recorded/,
    );

    await actAs('U0APPROVER2');
    // The first approver's ephemeral answer is theirs only.
    expect(await page.locator('.msg[data-kind="ephemeral"]', { hasText: 'vote is recorded' }).count()).toBe(0);
    const same = page.locator(`.messages > .msg[data-ts="${ts}"]`);
    await clickAndConfirm(same, 'chainsec_approve', /Approve this action\?/);

    const decided = page.locator(`.messages > .msg[data-ts="${ts}"][data-state="approved"]`);
    await decided.waitFor({ timeout: 20_000 });
    await expectText(decided.locator('.bk-header'), /Approved/);
    expect(await decided.locator('button[data-action-id^="chainsec_"]').count()).toBe(0);
    expect(await decided.locator('.edited').count()).toBe(1);
    await page.screenshot({ path: artifactPath('sandbox-page-decided.png') });

    await page.click('.nav-item[data-view="ledger"]');
    const verdict = await expectText(page.locator('#ledger-verdict'), /Ledger verified OK: \d+ entries|FAIL/, 20_000);
    expect(verdict).toMatch(/^Ledger verified OK: \d+ entries/);
    expect(await page.locator('.ledger-table tr[data-type="decision"]').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: artifactPath('sandbox-page-ledger.png') });

    // The page's verifier is not a rubber stamp: a changed or reordered entry fails it.
    const checks = (await page.evaluate(`(async () => {
      const { verifyLedger } = await import('/web/ledger.js');
      const [jsonl, pem] = await Promise.all([fetch('/sandbox/ledger').then((r) => r.text()), fetch('/sandbox/public-key').then((r) => r.text())]);
      const lines = jsonl.trim().split('\\n');
      const changed = lines.slice();
      const e = JSON.parse(changed[2]);
      e.actor = 'U0VIEWER';
      changed[2] = JSON.stringify(e);
      const swapped = lines.slice();
      [swapped[2], swapped[3]] = [swapped[3], swapped[2]];
      const verdict = async (text) => { const v = await verifyLedger(text, pem); return v.ok ? 'OK' : 'FAIL line ' + v.line + ': ' + v.reason; };
      return [await verdict(jsonl), await verdict(changed.join('\\n')), await verdict(swapped.join('\\n'))];
    })()`)) as string[];
    expect(checks[0]).toBe('OK');
    expect(checks[1]).toBe('FAIL line 3: hash does not match the entry content');
    expect(checks[2]).toMatch(/^FAIL line 3: expected seq 3/);
  });

  it('shows a viewer the refusal of their click, and only to them', async () => {
    await openApprovals();
    await actAs('U0VIEWER');
    const event = await sendSample('onchain-high');
    const card = await cardWith(String(event.tx_hash));
    expect(await card.getAttribute('data-tier')).toBe('high');
    await clickAndConfirm(card, 'chainsec_approve', /Approve this action\?/);
    const refusal = page.locator('.msg[data-kind="ephemeral"]', { hasText: 'not an approver' });
    await refusal.first().waitFor({ timeout: 15_000 });
    await expectText(refusal.locator('.only-you'), /Only visible to you/);
    expect(await card.getAttribute('data-state')).toBe('pending');

    // The command box: `/chainsec help` as the viewer, answered through response_url.
    await page.fill('#command-input', '/chainsec help');
    await page.press('#command-input', 'Enter');
    const help = page.locator('.msg[data-kind="response_url"]', { hasText: 'chainsec commands' });
    await help.first().waitFor({ timeout: 15_000 });

    await actAs('U0APPROVER1');
    expect(await page.locator('.msg[data-kind="ephemeral"]', { hasText: 'not an approver' }).count()).toBe(0);
    expect(await page.locator('.msg[data-kind="response_url"]', { hasText: 'chainsec commands' }).count()).toBe(0);
  });

  it('keeps a hostile agent text inert', async () => {
    await openApprovals();
    await actAs('U0APPROVER3');
    const event = await sendSample('hostile');
    const card = await cardWith(String(event.tx_hash));
    await card.locator('button[data-action-id="chainsec_approve"]').waitFor();
    await card.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: artifactPath('sandbox-page-hostile.png') });

    const text = (await card.textContent()) ?? '';
    expect(text).toContain('<!channel>');
    expect(text).toContain('<!here>');
    expect(text).toContain('<@U0APPROVER1>');
    expect(text).toContain('<script>');
    expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);

    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('a[href*="evil"]').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    expect(await card.locator('.mention-broadcast').count()).toBe(0);
    // The agent's `<@U0APPROVER1>` is text, not a mention chip.
    expect(await card.locator('.mention[data-user="U0APPROVER1"]').count()).toBe(0);

    // Its card's confirm dialog shows the (escaped) proposed action as text too.
    await card.locator('button[data-action-id="chainsec_approve"]').click();
    await page.locator('#confirm-modal').waitFor({ state: 'visible' });
    expect(await page.locator('#confirm-text').textContent()).toContain('<!here>');
    expect(await page.locator('#confirm-text a').count()).toBe(0);
    await page.click('#confirm-cancel');
    await page.locator('#confirm-modal').waitFor({ state: 'hidden' });

    expect(pageErrors).toEqual([]);
  });

  it('renders mrkdwn minimally and safely', async () => {
    if (!page.url().startsWith(sb.url)) await page.goto(sb.url);
    const out = (await page.evaluate(`(async () => {
      const { renderMrkdwn } = await import('/web/mrkdwn.js');
      const html = (t) => renderMrkdwn(t, { users: new Map([['U0APPROVER1', { realName: 'Ada Approver' }]]) }).innerHTML;
      return {
        escaped: html('&lt;!channel&gt; &lt;@U0APPROVER1&gt; &amp;lt;'),
        real: html('<!channel> <@U0APPROVER1>'),
        links: html('<https://ok.example/a?b=1&amp;c=2|fine> <javascript:alert(1)|js> <mailto:a@b.c|mail>'),
        marks: html('*bold* _it_ ~del~ \x60code *x*\x60 snake_case_word 2*3*4'),
        quote: html('> one\\n> two\\nafter'),
      };
    })()`)) as Record<string, string>;
    expect(out.escaped).toBe('<div class="md-para">&lt;!channel&gt; &lt;@U0APPROVER1&gt; &amp;lt;</div>');
    expect(out.real).toBe(
      '<div class="md-para"><span class="mention mention-broadcast">@channel</span> <span class="mention" data-user="U0APPROVER1">@Ada Approver</span></div>',
    );
    expect(out.links).toContain('<a class="md-link" href="https://ok.example/a?b=1&amp;c=2"');
    expect(out.links).toContain('>fine</a> js mail</div>');
    expect(out.marks).toBe(
      '<div class="md-para"><strong>bold</strong> <em>it</em> <del>del</del> <code class="md-code">code *x*</code> snake_case_word 2*3*4</div>',
    );
    expect(out.quote).toBe('<blockquote class="md-quote">one<br>two</blockquote><div class="md-para">after</div>');
  });

  it('opens the App Home tab for the chosen user', async () => {
    await actAs('U0APPROVER3');
    await page.click('.nav-item[data-view="home"]');
    await expectText(page.locator('#view-body .bk-header'), /Waiting for you \(\d+\)/);
    expect(await page.locator('#view-body button[data-action-id="chainsec_approve"]').count()).toBeGreaterThanOrEqual(
      1,
    );
    await page.screenshot({ path: artifactPath('sandbox-page-home.png') });
  });

  it('ticks the escalation sweep and shows the on-call DMs', async () => {
    await actAs('U0ONCALL1');
    await page.click('button[data-tick-offset="10"]');
    await expectText(page.locator('#tick-result'), /^as of \d{4}-\d\d-\d\dT/);
    await page.click('.nav-item[data-view="dm:U0ONCALL1"]');
    await page.locator('.messages > .msg[data-channel="DU0ONCALL1"]').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: artifactPath('sandbox-page-dm.png') });

    // "Open the card" is the bot's permalink (chat.getPermalink): it opens the card in the channel here.
    await page
      .locator('.messages > .msg[data-channel="DU0ONCALL1"] a.md-link', { hasText: 'Open the card' })
      .first()
      .click();
    await page.locator('.messages > .msg[data-channel="C0APPROVALS"].msg-highlight').waitFor({ timeout: 5000 });
    expect(page.url()).toMatch(/#\/msg\/C0APPROVALS\/\d+\.\d+$/);
  });
  it('sends a GuardDuty and a Security Hub sample through POST /sandbox/events; each posts its card', async () => {
    await page.goto(sb.url);
    await page.waitForSelector('body[data-ready="true"]');
    for (const [sampleId, source, needle] of [
      ['guardduty-high', 'aws.guardduty', 'InstanceCredentialExfiltration'],
      ['securityhub-asff', 'aws.securityhub', 'i-0abcd1234ef567890'],
    ] as const) {
      const answered = page.waitForResponse(
        (r) => r.request().method() === 'POST' && r.url().endsWith('/sandbox/events'),
      );
      await page.click(`button[data-finding-sample="${sampleId}"]`);
      const response = await answered;
      const event = response.request().postDataJSON() as { source: string; detail: unknown };
      expect(event.source).toBe(source);
      expect(response.status()).toBe(202);
      expect(((await response.json()) as { executionArns: string[] }).executionArns).toHaveLength(1);
      await cardWith(needle);
    }
  });
});
