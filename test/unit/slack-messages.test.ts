import {
  caseNoticeMessage,
  caseRootSummary,
  escapeSlackText,
  newCaseMessage,
  type CaseSummary,
} from '../../integrations/slack/slack-messages';

const summary: CaseSummary = {
  caseId: '6f1c2a0e-0000-4000-8000-000000000001',
  caseNumber: 42,
  subject: 'Printer on fire',
  customerName: 'Ada',
  channel: 'email',
  categoryName: 'Hardware',
  assigneeName: null,
  status: 'open',
  caseUrl: 'http://localhost/cases/6f1c2a0e',
};
const allText = (message: { text: string; blocks: unknown[] }) => `${message.text}\n${JSON.stringify(message.blocks)}`;

describe('escapeSlackText', () => {
  it('makes mentions and links inert', () => {
    expect(escapeSlackText('<!channel> wake up')).toBe('&lt;!channel&gt; wake up');
    expect(escapeSlackText('<https://evil|click>')).toBe('&lt;https://evil|click&gt;');
    expect(escapeSlackText('a & b')).toBe('a &amp; b');
  });
});

describe('newCaseMessage', () => {
  const message = newCaseMessage({
    ...summary,
    subject: '<!channel> urgent',
    customerName: '<@U123>',
    snippet: 'see <https://evil|click> & more',
  });

  it('escapes everything that came from the customer', () => {
    const text = allText(message);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil|click>');
    expect(text).not.toContain('<@U123>');
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('carries a text fallback and the two action buttons with the case id', () => {
    expect(message.text).toContain('Case #42');
    const actions = message.blocks.find((block) => block.type === 'actions') as unknown as {
      elements: Array<{ action_id: string; value?: string }>;
    };
    expect(actions.elements.filter((e) => e.value).map((e) => [e.action_id, e.value])).toEqual([
      ['case_assign_to_me', summary.caseId],
      ['case_resolve', summary.caseId],
    ]);
  });
});

describe('caseRootSummary', () => {
  it('shows the current status and assignee, and drops the buttons once resolved', () => {
    const open = caseRootSummary({ ...summary, status: 'in_progress', assigneeName: 'Grace' });
    expect(open.text).toContain('In progress');
    expect(open.text).toContain('Grace');
    const resolved = caseRootSummary({ ...summary, status: 'resolved' });
    expect(resolved.blocks.some((block) => block.type === 'actions')).toBe(false);
  });
});

describe('caseNoticeMessage', () => {
  it.each([
    [{ kind: 'customer_reply' as const, snippet: '<!here> hello' }, 'replied'],
    [{ kind: 'status_changed' as const, from: 'open', to: 'resolved' }, 'from *Open* to *Resolved*'],
    [{ kind: 'needs_attention' as const }, 'needs attention'],
    [{ kind: 'window_closing' as const }, 'closes within the hour'],
  ])('renders %o', (event, expected) => {
    const message = caseNoticeMessage(event);
    expect(message.text).toContain(expected);
    expect(allText(message)).not.toContain('<!here>');
    expect(message.blocks.length).toBeGreaterThan(0);
  });
});
