import type { ReactNode } from 'react';
import { Link } from 'react-router';

/**
 * An A4 sheet to print (the print stylesheet hides the shell): a toolbar on
 * screen with the print button and the way back, then the sheet itself.
 */
export function PrintSheet({ backTo, backLabel, children }: { backTo: string; backLabel: string; children: ReactNode }) {
  return (
    <>
      <div className="print-toolbar no-print">
        <button type="button" className="button button--primary" onClick={() => window.print()}>
          印刷する
        </button>
        <Link to={backTo} className="button button--tertiary">
          {backLabel}
        </Link>
        <p className="print-toolbar__hint">A4 縦で印刷します。ブラウザの印刷画面で「ヘッダーとフッター」を外すと、きれいに印刷できます。</p>
      </div>
      <article className="sheet">{children}</article>
    </>
  );
}

/** A box to write in by hand (signature, date), with its label. */
export function WriteBox({ label, lines = 1, wide = false }: { label: string; lines?: number; wide?: boolean }) {
  return (
    <div className={`write-box${wide ? ' write-box--wide' : ''}`}>
      <span className="write-box__label">{label}</span>
      <span className={`write-box__space write-box__space--${lines}`} />
    </div>
  );
}
