import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { CaseEvent } from '../domain/case-events';
import { applyCaseEvent, decideReply } from '../domain/case-machine';
import type { CaseState } from '../domain/case.model';
import {
  archiveUpdate,
  assignUpdate,
  CASE_REJECTION_ERROR,
  markImportantUpdate,
  recordReplyUpdate,
  reopenUpdate,
  retryTriageUpdate,
  setCategoryUpdate,
  setStatusUpdate,
  type Actor,
  type CaseSnapshot,
} from './case.contract';
import type { CaseContext } from './case-context';

function reject(reason: string, code: string): never {
  throw ApplicationFailure.create({ type: CASE_REJECTION_ERROR, message: reason, details: [code], nonRetryable: true });
}

/**
 * Agent actions are updates: the validator asks the state machine (synchronously, so a refusal
 * reaches the caller with its reason and leaves no trace in history), the handler commits and
 * answers once the read model has the new version.
 */
export function registerAgentActions(context: CaseContext): void {
  const { policy } = context.input;

  // The same answer an action gets a moment later, once the workflow has completed.
  function refuseWhileEnding(): void {
    if (context.ending())
      reject(
        'This case has ended (archived, or past its reopen window) and can no longer change; a new message opens a follow-up case.',
        'case_ended',
      );
  }

  /** The validator's question: would the machine accept it? A refusal reaches the caller with its reason. */
  function decide(event: CaseEvent): void {
    refuseWhileEnding();
    const transition = applyCaseEvent({ state: context.state(), event, policy });
    if (!transition.accepted) reject(transition.reason, transition.code);
  }

  async function act(input: { event: CaseEvent; actor: Actor; categoryName?: string | null }): Promise<CaseSnapshot> {
    refuseWhileEnding();
    const transition = context.apply(input);
    if (!transition.accepted) reject(transition.reason, transition.code);
    const committed = context.snapshot();
    if (transition.changed) await context.persisted(committed.version);
    return committed;
  }

  /** Registers one update whose event is built the same way for its validator and its handler. */
  function action<Args extends { actor: Actor }>(input: {
    definition: UpdateDefinition<CaseSnapshot, [Args]>;
    toEvent: (args: Args, at: number) => CaseEvent;
    categoryName?: (args: Args) => string | null;
  }): void {
    setHandler(
      input.definition,
      (args: Args) =>
        act({ event: input.toEvent(args, Date.now()), actor: args.actor, categoryName: input.categoryName?.(args) }),
      {
        validator: (args: Args) => {
          decide(input.toEvent(args, Date.now()));
        },
      },
    );
  }

  action<{ to: CaseState['status']; actor: Actor }>({
    definition: setStatusUpdate,
    toEvent: ({ to }, at) => ({ type: 'change_status', to, at }),
  });
  action<{ assigneeId: string | null; actor: Actor }>({
    definition: assignUpdate,
    toEvent: ({ assigneeId }, at) => ({ type: 'assign', assigneeId, at }),
  });
  action<{ important: boolean; actor: Actor }>({
    definition: markImportantUpdate,
    toEvent: ({ important }, at) => ({ type: 'mark_important', important, at }),
  });
  action<{ actor: Actor }>({ definition: archiveUpdate, toEvent: (_args, at) => ({ type: 'archive', at }) });
  action<{ actor: Actor }>({ definition: reopenUpdate, toEvent: (_args, at) => ({ type: 'reopen', at }) });
  action<{ categoryId: string | null; categoryName: string | null; autoResolve: boolean; actor: Actor }>({
    definition: setCategoryUpdate,
    toEvent: ({ categoryId, autoResolve, actor }, at) => ({
      type: 'categorize',
      categoryId,
      autoResolve,
      by: actor.type === 'ai' ? 'ai' : 'agent',
      at,
    }),
    categoryName: ({ categoryId, categoryName }) => (categoryId === null ? null : categoryName),
  });

  setHandler(
    retryTriageUpdate,
    async (_args: { actor: Actor }) => {
      context.retryTriage();
      await condition(() => context.triageStatus() !== 'running');
      const snapshot = context.snapshot();
      await context.persisted(snapshot.version);
      // The failure is on the timeline; the caller hears it too rather than a case that looks triaged.
      if (context.triageStatus() === 'failed')
        reject('Triage failed again; the reason is on the case timeline.', 'triage_failed');
      return snapshot;
    },
    {
      validator: (_args: { actor: Actor }) => {
        refuseWhileEnding();
        if (context.triageStatus() !== 'failed')
          reject('Triage has not failed on this case: there is nothing to run again.', 'triage_not_failed');
      },
    },
  );

  setHandler(
    recordReplyUpdate,
    async ({ messageId, authoredBy, actor }) => {
      const at = Date.now();
      const reply = decideReply({ state: context.state(), at, authoredBy, policy });
      context.seenEventIds.add(messageId);
      const snapshot = await act({ event: { type: 'agent_reply', at, authoredBy }, actor });
      const messagingTag = reply.allowed ? reply.messagingTag : null;
      context.deliverReply({ messageId, messagingTag });
      return { ...snapshot, messagingTag };
    },
    {
      validator: ({ messageId, authoredBy }) => {
        refuseWhileEnding();
        if (context.seenEventIds.has(messageId)) reject('This reply was already recorded.', 'duplicate');
        decide({ type: 'agent_reply', at: Date.now(), authoredBy });
      },
    },
  );
}
