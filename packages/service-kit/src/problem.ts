import { Type, type Static } from '@sinclair/typebox';
import { codeForStatus, titleOf, type ErrorCode, type FieldError } from './errors.js';

/** RFC 9457 problem details, as every Switchyard error response carries them. */
export const ProblemDetails = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { $id: 'ProblemDetails' },
);
export type ProblemDetails = Static<typeof ProblemDetails>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function problemTypeUri(code: ErrorCode): string {
  return `https://switchyard.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

export function buildProblem(options: {
  status: number;
  code?: ErrorCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}): ProblemDetails {
  const code = options.code ?? codeForStatus(options.status);
  const problem: ProblemDetails = {
    type: problemTypeUri(code),
    title: titleOf(code),
    status: options.status,
    code,
  };
  if (options.detail) problem.detail = options.detail;
  if (options.instance) problem.instance = options.instance;
  if (options.requestId) problem.requestId = options.requestId;
  if (options.errors?.length) problem.errors = options.errors;
  return problem;
}
