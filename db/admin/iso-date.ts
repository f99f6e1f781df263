/** Views carry dates as ISO strings: the same text in an API answer, a CLI's JSON and its tables. */
export const isoDate = (value: Date | string): string => new Date(value).toISOString();

export const isoDateOrNull = (value: Date | string | null | undefined): string | null =>
  value == null ? null : isoDate(value);
