import { LogLevel, type Logger } from '@slack/logger';

/** A Slack {@link Logger} that says nothing, for Bolt and the Web API client under test. */
export const silentSlackLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};
