/**
 * A small PromQL reader for tests of the committed dashboard and alert rules: it finds the metric
 * names an expression selects, the label names it matches on and groups by, and the functions it
 * calls, and refuses what it cannot read (unbalanced brackets, unknown functions, stray
 * characters). It is not a full parser; Grafana variables ($service, $__rate_interval) are
 * accepted where the dashboard uses them: inside strings and range brackets.
 */
export interface PromQLUse {
  /** metric name -> label names used in its {matchers} */
  metrics: Map<string, Set<string>>;
  /** label names in by/without/on/ignoring/group_left/group_right clauses */
  grouping: Set<string>;
  functions: Set<string>;
}

// The PromQL language's functions and aggregation operators (Prometheus 3).
const FUNCTIONS = new Set([
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'avg_over_time', 'ceil', 'changes', 'clamp', 'clamp_max',
  'clamp_min', 'cos', 'cosh', 'count_over_time', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'deg', 'delta', 'deriv',
  'double_exponential_smoothing', 'exp', 'floor', 'histogram_avg', 'histogram_count', 'histogram_fraction', 'histogram_quantile', 'histogram_stddev',
  'histogram_stdvar', 'histogram_sum', 'holt_winters', 'hour', 'idelta', 'increase', 'info', 'irate', 'label_join', 'label_replace', 'last_over_time', 'ln',
  'log10', 'log2', 'mad_over_time', 'max_over_time', 'min_over_time', 'minute', 'month', 'pi', 'predict_linear', 'present_over_time',
  'quantile_over_time', 'rad', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sin', 'sinh', 'sort', 'sort_by_label', 'sort_by_label_desc', 'sort_desc',
  'sqrt', 'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'tan', 'tanh', 'time', 'timestamp', 'vector', 'year',
]);
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const GROUPING_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const BINARY_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2']);

type Token = { kind: 'ident' | 'string' | 'number' | 'range' | 'punct' | 'op'; text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const rest = expr.slice(i);
    const ch = expr[i];
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '#') {
      // comment to end of line
      while (i < expr.length && expr[i] !== '\n') i += 1;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== ch) j += expr[j] === '\\' ? 2 : 1;
      if (j >= expr.length) throw new Error(`unterminated string in: ${expr}`);
      tokens.push({ kind: 'string', text: expr.slice(i + 1, j) });
      i = j + 1;
    } else if (ch === '[') {
      const end = expr.indexOf(']', i);
      if (end === -1) throw new Error(`unterminated range in: ${expr}`);
      const inside = expr.slice(i + 1, end).trim();
      if (!/^(\$\w+|\d+(ms|[smhdwy]))+(:(\$\w+|\d+(ms|[smhdwy]))*)?$/.test(inside)) throw new Error(`bad range [${inside}] in: ${expr}`);
      tokens.push({ kind: 'range', text: inside });
      i = end + 1;
    } else if (/^[a-zA-Z_:]/.test(ch)) {
      const [word] = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest)!;
      tokens.push({ kind: 'ident', text: word });
      i += word.length;
    } else if (/^[0-9.]/.test(ch)) {
      const [num] = /^(0x[0-9a-fA-F]+|\d*\.?\d+([eE][+-]?\d+)?(ms|[smhdwy])?)/.exec(rest) ?? [''];
      if (!num) throw new Error(`bad number at "${rest.slice(0, 10)}" in: ${expr}`);
      tokens.push({ kind: 'number', text: num });
      i += num.length;
    } else if ('(){},'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch });
      i += 1;
    } else {
      const op = /^(==|!=|=~|!~|>=|<=|[-+*/%^<>=])/.exec(rest)?.[0];
      if (!op) throw new Error(`unexpected "${ch}" in: ${expr}`);
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    }
  }
  return tokens;
}

/** Reads `( a, b, ... )` starting at tokens[i] === '('; returns the names and the index after ')'. */
function labelList(tokens: Token[], i: number, expr: string): [string[], number] {
  if (tokens[i]?.text !== '(') return [[], i];
  const names: string[] = [];
  let j = i + 1;
  while (tokens[j] && tokens[j].text !== ')') {
    if (tokens[j].kind === 'ident') names.push(tokens[j].text);
    else if (tokens[j].text !== ',') throw new Error(`unexpected "${tokens[j].text}" in a label list of: ${expr}`);
    j += 1;
  }
  if (!tokens[j]) throw new Error(`unclosed label list in: ${expr}`);
  return [names, j + 1];
}

/** Reads `{ label op "value", ... }` starting at tokens[i] === '{'. */
function matchers(tokens: Token[], i: number, expr: string): [string[], number] {
  const labels: string[] = [];
  let j = i + 1;
  while (tokens[j] && tokens[j].text !== '}') {
    const [name, op, value] = [tokens[j], tokens[j + 1], tokens[j + 2]];
    if (name?.kind !== 'ident' || !['=', '!=', '=~', '!~'].includes(op?.text ?? '') || value?.kind !== 'string') {
      throw new Error(`bad label matcher near "${name?.text}" in: ${expr}`);
    }
    labels.push(name.text);
    j += 3;
    if (tokens[j]?.text === ',') j += 1;
  }
  if (!tokens[j]) throw new Error(`unclosed {matchers} in: ${expr}`);
  return [labels, j + 1];
}

export function analysePromQL(expr: string): PromQLUse {
  const tokens = tokenize(expr);
  const use: PromQLUse = { metrics: new Map(), grouping: new Set(), functions: new Set() };
  let depth = 0;
  for (const token of tokens) {
    if (token.text === '(') depth += 1;
    if (token.text === ')') depth -= 1;
    if (depth < 0) throw new Error(`unbalanced parentheses in: ${expr}`);
  }
  if (depth !== 0) throw new Error(`unbalanced parentheses in: ${expr}`);
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i];
    if (token.text === '{') throw new Error(`selector without a metric name in: ${expr}`);
    if (token.kind !== 'ident') {
      i += 1;
      continue;
    }
    const next = tokens[i + 1];
    if (GROUPING_KEYWORDS.has(token.text)) {
      const [names, after] = labelList(tokens, i + 1, expr);
      names.forEach((name) => use.grouping.add(name));
      i = after;
    } else if (BINARY_KEYWORDS.has(token.text)) {
      i += 1;
    } else if (next?.text === '(' || ((AGGREGATIONS.has(token.text) || FUNCTIONS.has(token.text)) && GROUPING_KEYWORDS.has(next?.text ?? ''))) {
      if (!FUNCTIONS.has(token.text) && !AGGREGATIONS.has(token.text)) throw new Error(`unknown function ${token.text}() in: ${expr}`);
      use.functions.add(token.text);
      i += 1;
    } else {
      const labels = use.metrics.get(token.text) ?? new Set<string>();
      use.metrics.set(token.text, labels);
      i += 1;
      if (tokens[i]?.text === '{') {
        const [names, after] = matchers(tokens, i, expr);
        names.forEach((name) => labels.add(name));
        i = after;
      }
    }
  }
  if (use.metrics.size === 0) throw new Error(`no metric selected by: ${expr}`);
  return use;
}
