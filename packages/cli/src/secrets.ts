/** The values one run must never print, and the redaction that masks them. */
// The SDK's own rule (it masks an echoed key in a data plane's answer the same way).
import { redactor } from 'rudderanalytics/internal';

export class Secrets {
  private readonly values = new Set<string>();
  private redactAll: (text: string) => string = (text) => text;

  /** Registers a value that must never be printed. Very short values are ignored (they would mangle output). */
  add(value: string | undefined): void {
    if (!value || value.length < 4 || this.values.has(value)) return;
    this.values.add(value);
    this.redactAll = redactor(this.values);
  }

  /** `text` with every registered value masked, in any letter case, percent-encoded or base64'd for Basic auth. */
  redact(text: string): string {
    return this.redactAll(text);
  }
}
