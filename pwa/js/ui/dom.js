// Tiny DOM helpers: user text always goes in through textContent.

/** Make an element: el('p', {class: 'x', onclick: fn}, 'text', child). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (key in node && typeof node[key] === 'boolean') node[key] = Boolean(value);
    else if (key === 'value' || key === 'checked') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace a container's contents. */
export function replace(container, ...children) {
  container.replaceChildren(...children.flat().filter(Boolean));
  return container;
}

/** A group of large radio buttons for one vocabulary list. */
export function choiceGroup(name, legend, items, selected, onChange, wide = false) {
  const errorId = `${name}-error`;
  return el('fieldset', { id: `field-${name}`, 'aria-describedby': errorId },
    el('legend', {}, legend),
    el('div', { class: wide ? 'choices wide' : 'choices' },
      items.map((item) => el('label', { class: 'choice' },
        el('input', { type: 'radio', name, value: item.code, checked: item.code === selected,
          onchange: () => onChange(item.code) }),
        el('span', {}, item.label)))),
    el('p', { class: 'error', id: errorId, 'aria-live': 'polite' }));
}

/** Mark a render as the latest for this container; returns its token. */
export function claim(container) {
  const token = String(Number(container.dataset.render || 0) + 1);
  container.dataset.render = token;
  return token;
}

/** True while no later render has claimed the container. */
export function current(container, token) {
  return container.dataset.render === token;
}
