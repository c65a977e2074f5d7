import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { readableError } from '../api/problem-message';
import { formatDateTime } from '../ui/dates';
import { ErrorSummary } from '../ui/error-summary';
import { LoadError } from '../ui/load-error';
import { formatMoney } from '../ui/money';
import { PageHeading } from '../ui/page-heading';
import { Pager } from '../ui/pager';
import { TableScroll } from '../ui/table-scroll';
import { useCursorPaging } from '../ui/use-cursor-paging';
import { downloadPdf, listDocuments, type BillingDocument, type DocumentKind } from './billing-api';
import { BillingNav } from './billing-nav';

const TITLES: Record<DocumentKind, { title: string; noun: string; none: string }> = {
  invoices: { title: 'Invoices', noun: 'Invoice', none: 'No invoice has been issued yet.' },
  'credit-notes': {
    title: 'Credit notes',
    noun: 'Credit note',
    none: 'No credit note has been issued yet.',
  },
};

/** Hand a downloaded PDF to the browser under the document's number. */
function save(blob: Blob, number: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${number}.pdf`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Every customer's invoices or credit notes, newest first, each with its PDF. */
export function DocumentsPage({ kind }: { kind: DocumentKind }) {
  const paging = useCursorPaging();
  const { title, noun, none } = TITLES[kind];
  const documents = useQuery({
    queryKey: ['billing-documents', kind, paging.cursor],
    queryFn: () => listDocuments(kind, paging.cursor),
    placeholderData: keepPreviousData,
  });
  const download = useMutation({
    mutationFn: async (document: BillingDocument) => ({
      blob: await downloadPdf(kind, document.id),
      number: document.number,
    }),
    onSuccess: ({ blob, number }) => save(blob, number),
  });
  return (
    <>
      <PageHeading title={title}>Billing: {title.toLowerCase()}</PageHeading>
      <BillingNav />
      {download.isError && (
        <ErrorSummary
          message={`The PDF could not be downloaded. ${readableError(download.error).message}`}
        />
      )}
      {documents.isError && (
        <LoadError error={documents.error} retry={() => void documents.refetch()} />
      )}
      {documents.isPending && <p role="status">Loading {title.toLowerCase()}…</p>}
      {documents.data &&
        (documents.data.items.length === 0 ? (
          <p className="empty">{none}</p>
        ) : (
          <TableScroll label={title}>
            <table className="table">
              <caption className="visually-hidden">{title}, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Number</th>
                  <th scope="col">Issued</th>
                  <th scope="col">Customer</th>
                  <th scope="col" className="numeric">
                    Total
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">PDF</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {documents.data.items.map((d) => (
                  <tr key={d.id}>
                    <th scope="row">
                      {d.number}
                      {d.correctsInvoice && (
                        <span className="sku">corrects {d.correctsInvoice}</span>
                      )}
                    </th>
                    <td>{formatDateTime(d.issuedAt)}</td>
                    <td>{d.buyer.name}</td>
                    <td className="numeric">
                      {formatMoney({ amount: d.totals.totalMinor, currency: d.currency })}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        disabled={download.isPending}
                        aria-label={`Download ${noun.toLowerCase()} ${d.number} as PDF`}
                        onClick={() => download.mutate(d)}
                      >
                        PDF
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ))}
      {documents.data && (
        <Pager
          label={`${title} pages`}
          hasPrevious={paging.hasPrevious}
          hasNext={documents.data.nextCursor !== null}
          onPrevious={paging.back}
          onNext={() => paging.next(documents.data.nextCursor!)}
        />
      )}
    </>
  );
}
