import * as z from 'zod/mini';
import { en } from 'zod/locales';

/**
 * English error messages for every zod schema in chainsec.
 *
 * The schemas use `zod/mini` (about 40 KB bundled instead of the classic
 * API's 445 KB), which loads no locale: without this, every issue reads
 * "Invalid input". Each module that defines schemas imports this file for its
 * side effect; zod reads the locale when it builds an issue, so the order of
 * imports does not matter.
 *
 * Two bundling rules (checked with `node scripts/build.mjs`): import zod as
 * `import * as z from 'zod/mini'`, never `import { z }` or a re-export of the
 * namespace, and take the locale from `zod/locales` by name, never as
 * `z.locales.en`: either pulls the whole library, or every locale, back in.
 */
z.config(en());
