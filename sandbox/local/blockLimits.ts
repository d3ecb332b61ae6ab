/**
 * The Block Kit limits Slack enforces on `chat.postMessage` / `chat.update`
 * (answering `invalid_blocks`), so a card that Slack would refuse fails in
 * the sandbox too instead of only in production. Only the limits that the
 * bot's cards can reach are checked.
 */

const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;
const MAX_HEADER_TEXT = 150;
const MAX_CONTEXT_ELEMENTS = 10;
const MAX_ACTIONS_ELEMENTS = 25;
const MAX_BUTTON_TEXT = 75;
const MAX_BUTTON_VALUE = 2000;
const MAX_ID = 255;
const MAX_FIELDS = 10;
const MAX_FIELD_TEXT = 2000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string => (isObj(v) && typeof v.text === 'string' ? v.text : '');

/** @returns the problems Slack would report (empty when the blocks are acceptable). */
export function blockProblems(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  const problems: string[] = [];
  if (blocks.length > MAX_BLOCKS) problems.push(`no more than ${MAX_BLOCKS} items allowed [json-pointer:/blocks]`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `[json-pointer:/blocks/${i}`;
    if (!isObj(block) || typeof block.type !== 'string') {
      problems.push(`missing required field: type ${at}]`);
      return;
    }
    if (typeof block.block_id === 'string') {
      if (block.block_id.length > MAX_ID) problems.push(`must be less than ${MAX_ID + 1} characters ${at}/block_id]`);
      if (blockIds.has(block.block_id)) problems.push(`duplicate block_id ${at}/block_id]`);
      blockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'section': {
        if (textOf(block.text).length > MAX_SECTION_TEXT)
          problems.push(`must be less than ${MAX_SECTION_TEXT + 1} characters ${at}/text/text]`);
        if (!block.text && !block.fields) problems.push(`must provide either text or fields ${at}]`);
        if (Array.isArray(block.fields)) {
          if (block.fields.length > MAX_FIELDS) problems.push(`no more than ${MAX_FIELDS} items allowed ${at}/fields]`);
          block.fields.forEach((f, j) => {
            if (textOf(f).length > MAX_FIELD_TEXT)
              problems.push(`must be less than ${MAX_FIELD_TEXT + 1} characters ${at}/fields/${j}/text]`);
          });
        }
        break;
      }
      case 'header':
        if (textOf(block.text).length > MAX_HEADER_TEXT)
          problems.push(`must be less than ${MAX_HEADER_TEXT + 1} characters ${at}/text/text]`);
        break;
      case 'context':
        if (Array.isArray(block.elements) && block.elements.length > MAX_CONTEXT_ELEMENTS)
          problems.push(`no more than ${MAX_CONTEXT_ELEMENTS} items allowed ${at}/elements]`);
        break;
      case 'actions': {
        const elements = Array.isArray(block.elements) ? block.elements : [];
        if (elements.length > MAX_ACTIONS_ELEMENTS)
          problems.push(`no more than ${MAX_ACTIONS_ELEMENTS} items allowed ${at}/elements]`);
        elements.forEach((el, j) => {
          if (!isObj(el) || el.type !== 'button') return;
          if (textOf(el.text).length > MAX_BUTTON_TEXT)
            problems.push(`must be less than ${MAX_BUTTON_TEXT + 1} characters ${at}/elements/${j}/text/text]`);
          if (typeof el.value === 'string' && el.value.length > MAX_BUTTON_VALUE)
            problems.push(`must be less than ${MAX_BUTTON_VALUE + 1} characters ${at}/elements/${j}/value]`);
          if (typeof el.action_id === 'string' && el.action_id.length > MAX_ID)
            problems.push(`must be less than ${MAX_ID + 1} characters ${at}/elements/${j}/action_id]`);
        });
        break;
      }
      default:
        break;
    }
  });
  return problems;
}
