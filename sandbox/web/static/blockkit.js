// Block Kit → DOM (the subset the bot uses, and placeholders for the rest).
// Every string goes through textContent or the safe mrkdwn renderer.

import { emojify, renderMrkdwn, renderPlain, renderTextObject } from './mrkdwn.js';

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const textOf = (obj) => (obj && typeof obj === 'object' && typeof obj.text === 'string' ? obj.text : '');

/**
 * A button. `ctx.onButton(button, blockId)` is called on click; it shows the
 * button's `confirm` dialog first when there is one.
 */
function renderButton(button, blockId, ctx) {
  const label = emojify(textOf(button.text));
  if (typeof button.url === 'string' && /^https?:\/\//i.test(button.url)) {
    const a = el('a', 'bk-button bk-link-button', label);
    a.href = button.url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
    return a;
  }
  const b = el('button', 'bk-button', label);
  b.type = 'button';
  if (button.style === 'primary' || button.style === 'danger') b.classList.add(`bk-${button.style}`);
  b.dataset.actionId = String(button.action_id ?? '');
  if (button.value !== undefined) b.dataset.value = String(button.value);
  if (blockId !== undefined) b.dataset.blockId = String(blockId);
  if (button.confirm) b.dataset.confirm = 'true';
  b.addEventListener('click', () => ctx.onButton?.(button, blockId, b));
  return b;
}

/** An overflow menu (⋯) as a select; `ctx.onOverflow(menu, value, blockId, select)` is called on choice. */
function renderOverflow(menu, blockId, ctx) {
  const select = el('select', 'bk-overflow');
  select.setAttribute('aria-label', 'More actions');
  select.dataset.actionId = String(menu.action_id ?? '');
  select.append(el('option', '', '⋯'));
  for (const o of menu.options ?? []) {
    const option = el('option', '', textOf(o.text));
    option.value = String(o.value ?? '');
    select.append(option);
  }
  select.addEventListener('change', () => {
    const value = select.value;
    select.selectedIndex = 0;
    if (value) ctx.onOverflow?.(menu, value, blockId, select);
  });
  return select;
}

function renderElement(element, blockId, ctx) {
  if (!element || typeof element !== 'object') return el('span', 'bk-unsupported', 'invalid element');
  switch (element.type) {
    case 'button':
      return renderButton(element, blockId, ctx);
    case 'overflow':
      return renderOverflow(element, blockId, ctx);
    case 'image':
      return imagePlaceholder(element.alt_text, undefined, true);
    case 'mrkdwn':
    case 'plain_text':
      return renderTextObject(element, ctx);
    default:
      return el('span', 'bk-unsupported', `[${String(element.type)}]`);
  }
}

/** Images are never loaded from message content: a placeholder with the alt text. */
function imagePlaceholder(alt, title, small = false) {
  const box = el('div', small ? 'bk-image bk-image-small' : 'bk-image');
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', String(alt ?? 'image'));
  box.append(el('span', 'bk-image-icon', '🖼'));
  if (!small) {
    if (title) box.append(el('span', 'bk-image-title', emojify(String(title))));
    box.append(el('span', 'bk-image-alt', String(alt ?? 'image')));
  }
  return box;
}

function richText(block) {
  // rich_text → its plain text content (the bot does not send these).
  const parts = [];
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    if (typeof node.text === 'string') parts.push(node.text);
    if (node.type === 'user') parts.push(`@${node.user_id}`);
    if (Array.isArray(node.elements)) node.elements.forEach(walk);
  };
  walk(block);
  return el('div', 'bk-rich', parts.join(''));
}

/** One block. */
export function renderBlock(block, ctx) {
  if (!block || typeof block !== 'object') return el('div', 'bk-unsupported', 'invalid block');
  const blockId = block.block_id;
  let node;
  switch (block.type) {
    case 'header':
      node = el('div', 'bk-header', emojify(textOf(block.text)));
      break;
    case 'section': {
      node = el('div', 'bk-section');
      const main = el('div', 'bk-section-main');
      if (block.text) main.append(renderTextObject(block.text, ctx));
      if (Array.isArray(block.fields) && block.fields.length > 0) {
        const grid = el('div', 'bk-fields');
        for (const f of block.fields) {
          const cell = el('div', 'bk-field');
          cell.append(renderTextObject(f, ctx));
          grid.append(cell);
        }
        main.append(grid);
      }
      node.append(main);
      if (block.accessory) {
        const acc = el('div', 'bk-accessory');
        acc.append(
          block.accessory.type === 'image'
            ? imagePlaceholder(block.accessory.alt_text, undefined, true)
            : renderElement(block.accessory, blockId, ctx),
        );
        node.append(acc);
      }
      break;
    }
    case 'context':
      node = el('div', 'bk-context');
      for (const e of Array.isArray(block.elements) ? block.elements : []) node.append(renderElement(e, blockId, ctx));
      break;
    case 'divider':
      node = el('hr', 'bk-divider');
      break;
    case 'actions':
      node = el('div', 'bk-actions');
      for (const e of Array.isArray(block.elements) ? block.elements : []) node.append(renderElement(e, blockId, ctx));
      break;
    case 'image':
      node = imagePlaceholder(block.alt_text, textOf(block.title));
      break;
    case 'rich_text':
      node = richText(block);
      break;
    default:
      node = el('div', 'bk-unsupported', `Unsupported block: ${String(block.type)}`);
  }
  if (blockId !== undefined) node.dataset.blockId = String(blockId);
  return node;
}

/** A list of blocks, or the message's `text` as mrkdwn when there are none. */
export function renderBlocks(blocks, text, ctx) {
  const root = el('div', 'bk-blocks');
  if (Array.isArray(blocks) && blocks.length > 0) {
    for (const b of blocks) root.append(renderBlock(b, ctx));
  } else {
    root.append(renderMrkdwn(text ?? '', ctx));
  }
  return root;
}

export { renderPlain };
