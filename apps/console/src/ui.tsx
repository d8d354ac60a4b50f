// Small accessible building blocks: labelled fields with their error next to them, a form hook that
// focuses the first field in error, alerts read by screen readers, empty states, polling.
import type { ComponentChildren, TargetedSubmitEvent } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export function Field(props: {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  type?: 'text' | 'email' | 'password' | 'search';
  value: string;
  onInput: (v: string) => void;
  autoComplete?: string;
  required?: boolean;
  placeholder?: string;
}) {
  const id = `f-${props.name}`;
  const describedBy = [props.hint ? `${id}-hint` : '', props.error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      <input
        id={id}
        name={props.name}
        {...({ type: props.type ?? 'text' } as Record<string, string>)}
        value={props.value}
        required={props.required}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      {props.error && (
        <p class="error" id={`${id}-err`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Select(props: { label: string; name: string; value: string; options: Array<[string, string]>; onChange: (v: string) => void; error?: string }) {
  const id = `f-${props.name}`;
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {props.options.map(([v, l]) => (
          <option value={v} key={v}>
            {l}
          </option>
        ))}
      </select>
      {props.error && <p class="error">{props.error}</p>}
    </div>
  );
}

/** Runs `submit`, keeps the failure's message and per-field errors, and moves focus to the first bad field. */
export function useForm() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const ref = useRef<HTMLFormElement>(null);
  const run = useCallback(async (submit: () => Promise<void>) => {
    setBusy(true);
    setError('');
    setFields({});
    try {
      await submit();
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'Something went wrong. Try again.');
      setError(err.message);
      setFields(err.fields);
      requestAnimationFrame(() => {
        const bad = ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? ref.current?.querySelector<HTMLElement>('.alert');
        bad?.focus();
      });
    } finally {
      setBusy(false);
    }
  }, []);
  const onSubmit = (submit: () => Promise<void>) => (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    void run(submit);
  };
  return { busy, error, fields, ref, onSubmit, run, setError };
}

export function Alert(props: { children: ComponentChildren; kind?: 'error' | 'ok' | 'info' }) {
  return (
    <div class={`alert ${props.kind ?? 'error'}`} role={props.kind === 'error' || !props.kind ? 'alert' : 'status'} tabIndex={-1}>
      {props.children}
    </div>
  );
}

export function Empty(props: { title: string; children: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{props.title}</p>
      <p>{props.children}</p>
    </div>
  );
}

/**
 * A table in a scrolling frame. `numeric`: indexes of right-aligned number columns. `stack`: below
 * phone width each row becomes a card of "label: value" lines (cells carry `data-label`, see Cell).
 */
export function Table(props: { caption: string; head: string[]; children: ComponentChildren; numeric?: number[]; stack?: boolean }) {
  return (
    <div class={`table-wrap${props.stack ? ' stack-sm' : ''}`} role="region" aria-label={props.caption} tabIndex={0}>
      <table>
        <caption class="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map((h, i) => (
              <th scope="col" key={h || i} class={props.numeric?.includes(i) ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A cell of a stacking table: its column's name goes with it for the phone layout. */
export function Cell(props: { label: string; children?: ComponentChildren; num?: boolean; class?: string }) {
  return (
    <td data-label={props.label} class={[props.num ? 'num' : '', props.class ?? ''].join(' ').trim() || undefined}>
      {props.children}
    </td>
  );
}

/** Loads now and every `ms` (0 = once) while the page is open; `reload` after a change. */
export function usePoll<T>(load: () => Promise<T>, ms: number, deps: unknown[] = []) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    const once = () =>
      load().then(
        (d) => {
          if (alive) {
            setData(d);
            setError('');
          }
        },
        (e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)),
      );
    void once();
    const t = ms > 0 ? setInterval(once, ms) : undefined;
    return () => {
      alive = false;
      if (t) clearInterval(t);
    };
  }, [...deps, tick, ms]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

export function PageTitle(props: { children: ComponentChildren; sub?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <header class="page-title">
      <h1 tabIndex={-1} ref={ref}>
        {props.children}
      </h1>
      {props.sub && <p class="sub">{props.sub}</p>}
    </header>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      Loading…
    </p>
  );
}
