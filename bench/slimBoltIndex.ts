/**
 * What the slimmed bare Bolt baseline sees as `@slack/bolt` (scripts/build.mjs
 * resolves the package name here for dist/bareBoltSlim): the two classes and
 * the log levels, from Bolt's own modules instead of its index, as our
 * handlers import them.
 */
export { default as App } from '@slack/bolt/dist/App';
export { default as AwsLambdaReceiver } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
export { LogLevel } from '@slack/web-api';
