import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** Every subcommand's `--help` / `-h`. */
const HELP = { help: { type: 'boolean', short: 'h' } } as const;

type Parsed<T extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T & typeof HELP; allowPositionals: true; strict: true }>
>['values'];

/**
 * A subcommand's options, read strictly: unknown options throw parseArgs' own
 * TypeError (code `ERR_PARSE_ARGS_*`), a positional argument throws `refuse`'s error,
 * and `--help` / `-h` prints `usage` and answers `undefined` (the command then exits 0).
 * @param args the arguments after the subcommand's name
 * @param options the subcommand's options (`help` is added)
 * @param usage printed for `--help`
 * @param out where `usage` is printed
 * @param refuse builds the error thrown for an unexpected argument
 * @returns the options' values, or `undefined` when help was asked for
 */
export function commandArgs<T extends ParseArgsOptionsConfig>(
  args: readonly string[],
  options: T,
  usage: string,
  out: (line: string) => void,
  refuse: (message: string) => Error,
): Parsed<T> | undefined {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { ...options, ...HELP } as ParseArgsOptionsConfig,
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    out(usage);
    return undefined;
  }
  if (positionals.length > 0) throw refuse(`unexpected argument ${positionals[0]!}`);
  return values as unknown as Parsed<T>;
}
