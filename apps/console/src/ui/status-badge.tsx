/** A state in words, coloured by how much it needs a person: the words carry the meaning. */
export function StatusBadge({
  tone,
  children,
}: {
  tone: 'good' | 'warn' | 'bad' | 'neutral';
  children: string;
}) {
  return <span className={`badge badge--${tone}`}>{children}</span>;
}
