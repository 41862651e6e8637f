/**
 * A grouped bar chart as SVG text, for bench/results/. Hand-written (about 80 lines) because a
 * charting dependency would be the heaviest package of the repository for two small pictures.
 */
export interface Panel {
  title: string;
  /** Log scale suits values spanning orders of magnitude (REST calls). */
  log?: boolean;
  groups: string[];
  series: Array<{ name: string; color: string; values: Array<number | null> }>;
}

const W = 460;
const H = 330;
const PAD = { left: 48, right: 12, top: 56, bottom: 36 };

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function label(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(0) : n.toFixed(1).replace(/\.0$/, '');
}

function panelSvg(panel: Panel, x0: number): string {
  const values = panel.series.flatMap((s) => s.values).filter((v): v is number => v !== null && v > 0);
  const max = Math.max(1, ...values);
  const top = panel.log ? 10 ** Math.ceil(Math.log10(max)) : niceCeil(max);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  // A log axis starts at half the smallest tick, so that a value of 1 still shows a bar.
  const floor = Math.log10(0.5);
  const y = (v: number) => {
    const f = panel.log ? (Math.log10(Math.max(0.5, v)) - floor) / (Math.log10(top) - floor) : v / top;
    return PAD.top + innerH * (1 - f);
  };
  const ticks = panel.log ? Array.from({ length: Math.log10(top) + 1 }, (_, i) => 10 ** i) : [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  const out: string[] = [`<g transform="translate(${x0},0)">`];
  out.push(`<text x="${PAD.left}" y="18" font-size="13" font-weight="bold">${escape(panel.title)}</text>`);
  for (const t of ticks) {
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`);
    out.push(`<text x="${PAD.left - 4}" y="${y(t) + 4}" font-size="10" text-anchor="end">${label(t)}</text>`);
  }
  const groupW = innerW / panel.groups.length;
  const barW = (groupW * 0.8) / panel.series.length;
  panel.groups.forEach((group, g) => {
    const gx = PAD.left + g * groupW + groupW * 0.1;
    panel.series.forEach((series, s) => {
      const v = series.values[g];
      if (v === null || v === undefined) return;
      const bx = gx + s * barW;
      const by = y(v);
      out.push(`<rect x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(PAD.top + innerH - by).toFixed(1)}" fill="${series.color}"><title>${escape(`${series.name}, ${group}: ${label(v)}`)}</title></rect>`);
      out.push(`<text x="${(bx + barW / 2).toFixed(1)}" y="${(by - 2).toFixed(1)}" font-size="8" text-anchor="middle">${label(v)}</text>`);
    });
    out.push(`<text x="${(gx + groupW * 0.4).toFixed(1)}" y="${H - PAD.bottom + 14}" font-size="11" text-anchor="middle">${escape(group)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

function niceCeil(n: number): number {
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((c) => c >= n)!;
}

export function barChartSvg(title: string, panels: Panel[]): string {
  const width = W * panels.length;
  const legend = panels[0].series
    .map((s, i) => `<rect x="${PAD.left + i * 130}" y="30" width="10" height="10" fill="${s.color}"/><text x="${PAD.left + i * 130 + 14}" y="39" font-size="11">${escape(s.name)}</text>`)
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 20}" viewBox="0 0 ${width} ${H + 20}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2}" y="${H + 14}" font-size="11" text-anchor="middle" fill="#555">${escape(title)}</text>`,
    legend,
    ...panels.map((p, i) => panelSvg(p, i * W)),
    '</svg>',
    '',
  ].join('\n');
}
