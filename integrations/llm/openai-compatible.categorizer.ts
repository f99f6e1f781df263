/**
 * Asks an OpenAI-compatible chat completions endpoint (OpenAI, vLLM, Ollama) to pick one of the
 * organization's categories. Structured output with an enum of the names keeps the answer to a
 * known name; anything the model cannot place is 'uncategorized'.
 */

export const UNCATEGORIZED = 'uncategorized';

/** The endpoint could not answer: HTTP error, timeout, network failure or a malformed response. The caller falls back. */
export class LlmUnavailableError extends Error {
  override readonly name = 'LlmUnavailableError';
}

export interface LlmCategory {
  id: string;
  name: string;
  description?: string | null;
}

export interface LlmCategorization {
  categoryId: string | null;
  /** The model refused to answer (as opposed to choosing 'uncategorized'). */
  refused?: boolean;
}

interface ChatCompletion {
  choices?: Array<{ message?: { content?: string | null; refusal?: string | null } }>;
}

function buildRequestBody(input: { model: string; categories: LlmCategory[]; text: string }) {
  const catalogue = input.categories
    .map((category) => `- ${category.name}${category.description ? `: ${category.description}` : ''}`)
    .join('\n');
  return {
    model: input.model,
    temperature: 0,
    messages: [
      {
        role: 'system',
        content: `You categorize customer support messages. Answer with the one category that fits best, or "${UNCATEGORIZED}" if none fits.\nCategories:\n${catalogue}`,
      },
      { role: 'user', content: input.text },
    ],
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'case_category',
        strict: true,
        schema: {
          type: 'object',
          properties: {
            category: { type: 'string', enum: [...input.categories.map((category) => category.name), UNCATEGORIZED] },
          },
          required: ['category'],
          additionalProperties: false,
        },
      },
    },
  };
}

async function postCompletion(input: {
  url: string;
  apiKey?: string;
  body: unknown;
  timeoutMs: number;
  fetchImpl: typeof fetch;
}): Promise<ChatCompletion> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), input.timeoutMs);
  try {
    const response = await input.fetchImpl(input.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(input.apiKey ? { authorization: `Bearer ${input.apiKey}` } : {}),
      },
      body: JSON.stringify(input.body),
      signal: controller.signal,
    });
    if (!response.ok) throw new LlmUnavailableError(`The LLM endpoint answered HTTP ${response.status}.`);
    const completion: unknown = await response.json();
    // `null`, a number or a list is no completion either: the local categorizer takes over.
    if (typeof completion !== 'object' || completion === null || Array.isArray(completion))
      throw new LlmUnavailableError('The LLM endpoint answered something other than a JSON object.');
    return completion as ChatCompletion;
  } catch (error) {
    if (error instanceof LlmUnavailableError) throw error;
    const reason = controller.signal.aborted ? `no answer within ${input.timeoutMs} ms` : String(error);
    throw new LlmUnavailableError(`The LLM endpoint is unavailable: ${reason}.`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function readCategoryName(completion: ChatCompletion): { name: string } | { refused: true } {
  const message = completion.choices?.[0]?.message;
  if (!message) throw new LlmUnavailableError('The LLM response has no message.');
  if (message.refusal) return { refused: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.content ?? '');
  } catch (error) {
    throw new LlmUnavailableError('The LLM answered with content that is not JSON.', { cause: error });
  }
  const name = (parsed as { category?: unknown } | null)?.category;
  if (typeof name !== 'string') throw new LlmUnavailableError('The LLM answer has no category.');
  return { name };
}

export async function categorizeWithLlm(input: {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  categories: LlmCategory[];
  text: string;
  fetchImpl?: typeof fetch;
}): Promise<LlmCategorization> {
  if (input.categories.length === 0) return { categoryId: null };
  const completion = await postCompletion({
    url: `${input.baseUrl.replace(/\/+$/, '')}/chat/completions`,
    apiKey: input.apiKey,
    body: buildRequestBody(input),
    timeoutMs: input.timeoutMs,
    fetchImpl: input.fetchImpl ?? fetch,
  });
  const answer = readCategoryName(completion);
  if ('refused' in answer) return { categoryId: null, refused: true };
  // Names are unique per organization case-insensitively, and some servers do not enforce the enum strictly.
  const wanted = answer.name.trim().toLowerCase();
  const match = input.categories.find((category) => category.name.trim().toLowerCase() === wanted);
  return { categoryId: match?.id ?? null };
}
