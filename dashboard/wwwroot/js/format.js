// Small formatting helpers shared by the views.
const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export const fmtInt = n => int.format(n);
export const fmtRate = n => (n >= 100 ? int : one).format(n);
export const fmtMs = n => (n >= 100 ? int.format(n) : n.toFixed(n >= 10 ? 1 : 2));
export const fmtAge = s => (s < 1 ? 'now' : s < 60 ? `${one.format(s)} s` : `${int.format(s / 60)} min`);
// An exact decimal as the server sent it, with thousands separators in its integer part only (no
// rounding through a float: sizes may carry many decimal places).
export const fmtExact = s => {
  if (s == null || s === '') return '';
  const [whole, fraction] = String(s).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
};
export const signed = s => (s.startsWith('-') ? s : `+${s}`);

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function cell(row, text, className) {
  const td = el('td', className, text);
  row.appendChild(td);
  return td;
}
