import * as fs from 'fs';
import * as path from 'path';
import { DefaultStackSynthesizer, ISynthesisSession } from 'aws-cdk-lib';

/** A file written into the cloud assembly next to the templates. */
export interface AssemblyFile {
  /** Name of the file, relative to the cloud assembly directory. */
  readonly fileName: string;
  /** What the file holds. */
  readonly content: string;
}

/**
 * The default synthesizer, plus files of the stack's own (TargetGroupBinding manifests, the pair's
 * desired state for `pair record`). The files are computed when the stack is synthesized, after
 * validation, so they see the final construct tree.
 */
export class AssemblyFileSynthesizer extends DefaultStackSynthesizer {
  constructor(private readonly files: () => AssemblyFile[]) {
    super();
  }

  public synthesize(session: ISynthesisSession): void {
    super.synthesize(session);
    for (const file of this.files()) fs.writeFileSync(path.join(session.outdir, file.fileName), file.content);
  }
}
