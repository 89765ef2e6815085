/**
 * The structured review the model is asked for, read back from its final
 * message, and the plain-text rendering that `exitedReviewMode` and the final
 * agent message carry (the same layout as the reference, so clients can read
 * either server's findings the same way). Output that does not parse is
 * shown as is.
 */

export interface ReviewFinding {
  title: string;
  body: string;
  confidence_score: number;
  priority: number | null;
  code_location: { absolute_file_path: string; line_range: { start: number; end: number } };
}

export interface ReviewOutput {
  findings: ReviewFinding[];
  overall_correctness: string;
  overall_explanation: string;
  overall_confidence_score: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function readFinding(value: unknown): ReviewFinding | null {
  if (!isObject(value)) return null;
  const { title, body, confidence_score, priority, code_location } = value;
  if (typeof title !== 'string' || typeof body !== 'string' || typeof confidence_score !== 'number') return null;
  // Like the reference, every finding needs its priority (0-3).
  if (!isInt(priority)) return null;
  if (!isObject(code_location) || typeof code_location.absolute_file_path !== 'string' || !isObject(code_location.line_range)) return null;
  const { start, end } = code_location.line_range;
  if (!isInt(start) || !isInt(end)) return null;
  return { title, body, confidence_score, priority, code_location: { absolute_file_path: code_location.absolute_file_path, line_range: { start, end } } };
}

function readOutput(value: unknown): ReviewOutput | null {
  if (!isObject(value)) return null;
  const findings: ReviewFinding[] = [];
  if (value.findings !== undefined) {
    if (!Array.isArray(value.findings)) return null;
    for (const raw of value.findings) {
      const finding = readFinding(raw);
      if (!finding) return null;
      findings.push(finding);
    }
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    findings,
    overall_correctness: text(value.overall_correctness),
    overall_explanation: text(value.overall_explanation),
    overall_confidence_score: typeof value.overall_confidence_score === 'number' ? value.overall_confidence_score : 0,
  };
}

/** The model's answer as a review: the whole text as JSON, else the outermost {...} in it (prose or fences around). */
export function parseReviewOutput(text: string): ReviewOutput | null {
  const attempt = (candidate: string) => {
    try {
      return readOutput(JSON.parse(candidate));
    } catch {
      return null;
    }
  };
  const whole = attempt(text.trim());
  if (whole) return whole;
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  return first >= 0 && last > first ? attempt(text.slice(first, last + 1)) : null;
}

function renderFinding(finding: ReviewFinding): string {
  const { absolute_file_path: file, line_range: range } = finding.code_location;
  const body = finding.body.split('\n').map((line) => `  ${line}`).join('\n');
  return `- ${finding.title} — ${file}:${range.start}-${range.end}\n${body}`;
}

/** The text shown for a review: the explanation, then one entry per finding. */
export function renderReview(output: ReviewOutput): string {
  const parts: string[] = [];
  if (output.overall_explanation.trim()) parts.push(output.overall_explanation.trim());
  if (output.findings.length) {
    parts.push(output.findings.length === 1 ? 'Review comment:' : 'Full review comments:');
    parts.push(output.findings.map(renderFinding).join('\n\n'));
  }
  return parts.length ? parts.join('\n\n') : 'Reviewer failed to output a response.';
}

/** What the review shows for the model's final message (or its absence). */
export function reviewText(lastAgentMessage: string | null): string {
  if (lastAgentMessage === null || !lastAgentMessage.trim()) return 'Reviewer failed to output a response.';
  const parsed = parseReviewOutput(lastAgentMessage);
  return parsed ? renderReview(parsed) : lastAgentMessage;
}
