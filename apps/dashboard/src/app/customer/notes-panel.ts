import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal, signal } from '@angular/core';
import { TimePipe } from '../format/pipes';
import { HttpClient, httpResource } from '@angular/common/http';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { firstValueFrom } from 'rxjs';
import type { NewNote, Note } from '@redoubt/contracts/api';
import { errorMessage } from '../http/api-error';

export const NOTE_MAX_LENGTH = 4000;

/** Analysts' notes on a customer: newest first, and a box to add one. */
@Component({
  selector: 'rd-notes-panel',
  imports: [TimePipe, MatButtonModule, MatFormFieldModule, MatInputModule, MatIconModule, MatProgressBarModule],
  templateUrl: './notes-panel.html',
  styleUrl: './notes-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotesPanel {
  private readonly http = inject(HttpClient);

  readonly tenant = input.required<string>();
  readonly customerId = input.required<string>();

  private readonly url = computed(
    () => `/api/tenants/${encodeURIComponent(this.tenant())}/customers/${encodeURIComponent(this.customerId())}/notes`,
  );
  protected readonly stored = httpResource<{ notes: Note[] }>(() => this.url());
  /** Notes written here since the list loaded; cleared when another customer opens. */
  private readonly added = linkedSignal<string, Note[]>({ source: this.url, computation: () => [] });

  protected readonly notes = computed(() => {
    const loaded = this.stored.hasValue() ? this.stored.value().notes : [];
    const mine = this.added();
    const seen = new Set(mine.map((n) => n.id));
    return [...mine, ...loaded.filter((n) => !seen.has(n.id))];
  });
  protected readonly loadError = computed(() => {
    const error = this.stored.error();
    return error ? errorMessage(error) : undefined;
  });

  protected readonly draft = linkedSignal<string, string>({ source: this.url, computation: () => '' });
  protected readonly saving = signal(false);
  protected readonly saveError = signal<string | undefined>(undefined);
  protected readonly canSave = computed(() => !this.saving() && this.draft().trim().length > 0);
  protected readonly maxLength = NOTE_MAX_LENGTH;

  /**
   * The id of the note being sent. It is chosen once per text, so pressing "Add note" again after
   * a failure (or a lost response) resends the same note and the server stores it once.
   */
  private attempt?: NewNote;

  protected async add(): Promise<void> {
    const body = this.draft().trim();
    if (!body || this.saving()) return;
    if (this.attempt?.body !== body) this.attempt = { id: crypto.randomUUID(), body };
    const request = this.attempt;
    const url = this.url();
    this.saving.set(true);
    this.saveError.set(undefined);
    try {
      const note = await firstValueFrom(this.http.post<Note>(url, request));
      if (url !== this.url()) return; // another customer opened meanwhile
      this.added.update((notes) => [note, ...notes.filter((n) => n.id !== note.id)]);
      this.draft.set('');
      this.attempt = undefined;
    } catch (error) {
      this.saveError.set(errorMessage(error));
    } finally {
      this.saving.set(false);
    }
  }
}
