import { defuseJson } from '../report/text.js';

/**
 * Structured JSON log lines; credentials never pass through here (callers log ids and reasons, not configs). Each
 * line is defused JSON: a hostile value in it stays inert in a terminal (`automirror invoke`, `s logs`).
 */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const LEVELS = { info: 0, warn: 1, error: 2, silent: 3 } as const;
type Level = keyof typeof LEVELS;

/** AUTOMIRROR_LOG_LEVEL (info, warn, error, silent) sets the threshold; info by default. */
export function jsonLogger(base: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  const threshold = LEVELS[(process.env.AUTOMIRROR_LOG_LEVEL as Level) ?? 'info'] ?? 0;
  const emit =
    (level: Exclude<Level, 'silent'>) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (LEVELS[level] >= threshold) write(defuseJson(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields })));
    };
  return { info: emit('info'), warn: emit('warn'), error: emit('error'), child: (f) => jsonLogger({ ...base, ...f }, write) };
}
