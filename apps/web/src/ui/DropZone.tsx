/**
 * Where files come in: drag and drop, or the file picker, which Enter and Space open from the keyboard.
 * @module
 */
import { useRef, useState } from 'preact/hooks';

export function DropZone({
  blockedReason,
  onFiles,
}: {
  /** Why no file can be added yet; undefined when files are welcome. */
  blockedReason: string | undefined;
  onFiles: (files: File[]) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const disabled = blockedReason !== undefined;
  const open = () => {
    if (!disabled) input.current?.click();
  };
  const onDrag = (event: DragEvent) => {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
    setOver(!disabled);
  };
  return (
    <>
      {/* biome-ignore lint/a11y/useSemanticElements: a drop target that is also the picker's button. */}
      <div
        class={`dropzone${over ? ' over' : ''}${disabled ? ' disabled' : ''}`}
        role="button"
        tabIndex={0}
        aria-disabled={disabled}
        aria-label="Drop layer files here, or press to choose them"
        aria-describedby="dropzone-hint"
        data-testid="dropzone"
        onClick={open}
        onKeyDown={(event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            open();
          }
        }}
        onDragEnter={onDrag}
        onDragOver={onDrag}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          const files = [...(event.dataTransfer?.files ?? [])];
          if (!disabled && files.length > 0) onFiles(files);
        }}
      >
        <span class="dropzone-title">Drop layer files here, or press to choose them</span>
        <span id="dropzone-hint" class="hint">
          {blockedReason ??
            'Each file is one layer (a .tar, .tar.gz or .tar.zst blob), any size; a docker save or OCI layout .tar pushes the whole image.'}
        </span>
      </div>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Layer files"
        data-testid="file-input"
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])];
          // Lets the same file be chosen again (to resume it) without reloading.
          event.currentTarget.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
