/**
 * Where files come in: drag and drop (files, or folders holding an OCI image layout), the file picker, which
 * Enter and Space open from the keyboard, and a folder picker beside it.
 * @module
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ChosenFolder, dropContents, folderOfInput } from './folderFiles.ts';

export function DropZone({
  blockedReason,
  onFiles,
  onFolder,
}: {
  /** Why no file can be added yet; undefined when files are welcome. */
  blockedReason: string | undefined;
  onFiles: (files: File[]) => void;
  /** A folder chosen or dropped: an OCI image layout to push whole. */
  onFolder: (folder: ChosenFolder) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const disabled = blockedReason !== undefined;
  const open = () => {
    if (!disabled) input.current?.click();
  };
  // Preact's element types do not list `webkitdirectory`; the DOM property is standard in every browser.
  useEffect(() => {
    if (folderInput.current) folderInput.current.webkitdirectory = true;
  }, []);
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
          if (disabled || !event.dataTransfer) return;
          void dropContents(event.dataTransfer).then(({ files, folders }) => {
            if (files.length > 0) onFiles(files);
            for (const folder of folders) onFolder(folder);
          });
        }}
      >
        <span class="dropzone-title">Drop image archives or layer files here, or press to choose them</span>
      </div>
      <p id="dropzone-hint" class="hint">
        {blockedReason ??
          'A docker save or OCI layout .tar (or a folder holding an OCI layout) pushes the whole image; any other file is one layer (a .tar, .tar.gz or .tar.zst blob), any size.'}
      </p>
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
      <div class="row">
        <button type="button" disabled={disabled} onClick={() => folderInput.current?.click()}>
          Choose a folder (an OCI image layout)
        </button>
      </div>
      <input
        ref={folderInput}
        type="file"
        hidden
        aria-label="Image layout folder"
        data-testid="folder-input"
        onChange={(event) => {
          const folder = folderOfInput([...(event.currentTarget.files ?? [])]);
          event.currentTarget.value = '';
          if (folder) onFolder(folder);
        }}
      />
    </>
  );
}
