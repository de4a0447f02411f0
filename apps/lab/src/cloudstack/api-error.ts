// Error answers as the management server writes them: HTTP status =
// errorcode (ApiErrorCode), body {"<command>response": {"uuidList": [],
// "errorcode": N, "cserrorcode": M, "errortext": "..."}}
// (ApiServer.getSerializedApiError, ExceptionResponse).

/** CSExceptionErrorCode values the lab uses. */
export const CS = {
  CloudRuntimeException: 4250,
  InsufficientAddressCapacityException: 4320,
  InsufficientCapacityException: 4325,
  InvalidParameterValueException: 4350,
  PermissionDeniedException: 4365,
  ResourceUnavailableException: 4380,
  /** a ServerApiException thrown on its own */
  ServerApiException: 9999,
} as const;

export class ApiError extends Error {
  constructor(
    readonly errorcode: number,
    readonly errortext: string,
    readonly cserrorcode: number | null = CS.ServerApiException,
  ) {
    super(errortext);
    this.name = 'ApiError';
  }
}

/** ServerApiException(PARAM_ERROR, text): 431, cserrorcode 9999 */
export const paramError = (text: string) => new ApiError(431, text, CS.ServerApiException);

/** InvalidParameterValueException from the service layer, wrapped by ApiServer.handleRequest: 431, 4350 */
export const invalidParameterValue = (text: string) => new ApiError(431, text, CS.InvalidParameterValueException);

/** CloudRuntimeException from the service layer: 530, 4250 */
export const internalError = (text: string) => new ApiError(530, text, CS.CloudRuntimeException);

export function errorBody(errorcode: number, errortext: string, cserrorcode: number | null): Record<string, unknown> {
  return { uuidList: [], errorcode, ...(cserrorcode === null ? {} : { cserrorcode }), errortext };
}
