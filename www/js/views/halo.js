export function convBlocks(plan) {
  return plan.blocks.filter((b) => b.case === 'conv' || b.case === 'conv+fc');
}
export function renderHalo() { return ''; }
