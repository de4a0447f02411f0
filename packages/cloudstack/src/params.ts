// Command parameters -> the flat name/value pairs CloudStack reads.
// Maps and lists of objects are flattened the way ParamProcessWorker and
// BaseCmd read them back: `iptonetworklist[0].networkid=...`,
// `details[0].key=...`; lists of scalars are comma-joined (StringTokenizer on ",").

export type ParamValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly (string | number)[]
  | readonly Readonly<Record<string, string | number | boolean | null | undefined>>[];

export type CommandParams = Readonly<Record<string, ParamValue>>;

function scalar(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

function isObjectList(
  value: ParamValue,
): value is readonly Readonly<Record<string, string | number | boolean | null | undefined>>[] {
  return Array.isArray(value) && value.length > 0 && typeof value[0] === 'object' && value[0] !== null;
}

/** Flattens parameters; names are lower-cased so that client and server sort alike. */
export function flattenParams(params: CommandParams): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(params)) {
    const name = rawName.toLowerCase();
    if (value === undefined || value === null) continue;
    if (isObjectList(value)) {
      value.forEach((entry, index) => {
        for (const [key, inner] of Object.entries(entry)) {
          if (inner === undefined || inner === null) continue;
          // the key inside a map keeps its case (rootDiskController): it is data
          flat[`${name}[${index}].${key}`] = scalar(inner);
        }
      });
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length > 0) flat[name] = value.map((v) => scalar(v as string | number)).join(',');
      continue;
    }
    flat[name] = scalar(value as string | number | boolean);
  }
  return flat;
}

/**
 * `details` of registerTemplate/deployVirtualMachine: RegisterTemplateCmd.getDetails
 * takes the first map entry as the details themselves, so
 * `{rootDiskController: 'scsi'}` is sent as `details[0].rootDiskController=scsi`.
 */
export function detailsParam(
  details: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>>[] | undefined {
  if (!details || Object.keys(details).length === 0) return undefined;
  return [details];
}
