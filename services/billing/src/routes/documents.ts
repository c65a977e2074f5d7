import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { notFound, requireRole, userOf } from '@switchyard/service-kit';
import { exportDocumentsCsv } from '../documents/csv-export.js';
import {
  AdminDocumentListQuery,
  CsvResponse,
  DocumentIdParams,
  DocumentList,
  DocumentListQuery,
  DocumentView,
  ExportQuery,
  PdfResponse,
  toDocumentView,
} from '../documents/document-schemas.js';
import { parseExportRange } from '../documents/export-range.js';
import { findDocument, findDocumentPdf, listDocuments } from '../documents/find-documents.js';

const security = [{ bearerAuth: [] }];

const kinds = [
  {
    kind: 'invoice',
    path: '/v1/invoices',
    adminPath: '/v1/admin/invoices',
    noun: 'invoice',
    plural: 'invoices',
    name: 'Invoice',
  },
  {
    kind: 'credit_note',
    path: '/v1/credit-notes',
    adminPath: '/v1/admin/credit-notes',
    noun: 'credit note',
    plural: 'credit notes',
    name: 'CreditNote',
  },
] as const;

/**
 * Invoices and credit notes: a customer lists, reads and downloads their own (another user's
 * is a 404, as if it did not exist); an admin lists and reads everyone's and exports them as CSV.
 */
export async function documentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);

  /** Whose documents the caller may read by id: their own, or (an admin) anyone's. */
  const ownerOf = (request: FastifyRequest) => {
    const user = userOf(request);
    return user.roles.includes('admin') ? undefined : user.userId;
  };

  for (const { kind, path, adminPath, noun, plural, name } of kinds) {
    app.get(
      path,
      {
        schema: {
          operationId: `list${name}s`,
          summary: `Your ${plural}, newest first`,
          tags: ['billing'],
          security,
          querystring: DocumentListQuery,
          response: { 200: DocumentList },
        },
      },
      async (request) => {
        const page = await listDocuments(app.db, {
          kind,
          userId: userOf(request).userId,
          ...request.query,
        });
        return { items: page.items.map(toDocumentView), nextCursor: page.nextCursor };
      },
    );

    app.get(
      adminPath,
      {
        onRequest: requireRole('admin'),
        schema: {
          operationId: `listAll${name}s`,
          summary: `Every customer's ${plural} (or one customer's), newest first (admin)`,
          tags: ['admin'],
          security,
          querystring: AdminDocumentListQuery,
          response: { 200: DocumentList },
        },
      },
      async (request) => {
        const page = await listDocuments(app.db, { kind, ...request.query });
        return { items: page.items.map(toDocumentView), nextCursor: page.nextCursor };
      },
    );

    app.get(
      `${path}/:id`,
      {
        schema: {
          operationId: `get${name}`,
          summary: `One ${noun}: everything printed on it`,
          tags: ['billing'],
          security,
          params: DocumentIdParams,
          response: { 200: DocumentView },
        },
      },
      async (request) => {
        const document = await findDocument(app.db, {
          kind,
          id: request.params.id,
          userId: ownerOf(request),
        });
        if (!document) throw notFound(noun);
        return toDocumentView(document);
      },
    );

    app.get(
      `${path}/:id.pdf`,
      {
        schema: {
          operationId: `download${name}Pdf`,
          summary: `One ${noun} as the PDF issued`,
          tags: ['billing'],
          security,
          params: DocumentIdParams,
          response: { 200: PdfResponse },
        },
      },
      async (request, reply) => {
        const found = await findDocumentPdf(app.db, {
          kind,
          id: request.params.id,
          userId: ownerOf(request),
        });
        if (!found) throw notFound(noun);
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${found.number}.pdf"`)
          .header('cache-control', 'private, no-store')
          .send(found.pdf);
      },
    );
  }

  app.get(
    '/v1/admin/invoices/export',
    {
      onRequest: requireRole('admin'),
      schema: {
        operationId: 'exportBillingDocuments',
        summary:
          'Invoices and credit notes issued in [from, to) as CSV, with totals per tax rate (admin)',
        tags: ['admin'],
        security,
        querystring: ExportQuery,
        response: { 200: CsvResponse },
      },
    },
    async (request, reply) => {
      const range = parseExportRange(request.query);
      const csv = await exportDocumentsCsv(app.db, range);
      const day = (date: Date) => date.toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="billing-documents-${day(range.from)}-to-${day(range.to)}.csv"`,
        )
        .header('cache-control', 'private, no-store')
        .send(csv);
    },
  );
}
