import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Telemetry } from '../app/telemetry';
import { ChainsecError } from '../errors';
import { userMessageFor } from '../userMessages';

/** What an agent hears of a failure chainsec did not word for it. */
const INTERNAL_FAILURE =
  'Something went wrong inside chainsec; an operator has the details. A call chainsec forwards is never run twice: for a held call, ask get_tool_result.';

/**
 * `run`, with any failure turned into words meant for an agent: an McpError
 * (chainsec's own words to the agent) as it is; anything else logged in full
 * and answered by its code's message, never its own (an AWS SDK error names
 * the account, the function's role and the tables it was refused).
 */
export async function agentFacing<T>(telemetry: Telemetry, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof McpError) throw e;
    telemetry.error(`MCP ${what} failed`, {
      error: (e as Error).message,
      name: (e as Error).name,
      ...(e instanceof ChainsecError && { code: e.code }),
    });
    throw new McpError(
      ErrorCode.InternalError,
      e instanceof ChainsecError ? `${userMessageFor(e)} (${e.code})` : INTERNAL_FAILURE,
    );
  }
}
