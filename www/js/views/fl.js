export function renderFl() { return ''; }
