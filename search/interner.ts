/** Strings to dense integers and back. */
export class Interner {
  readonly #ids = new Map<string, number>();
  readonly #names: string[] = [];

  intern(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.#names.length;
      this.#ids.set(name, id);
      this.#names.push(name);
    }
    return id;
  }

  lookup(name: string): number | undefined {
    return this.#ids.get(name);
  }

  name(id: number): string {
    return this.#names[id];
  }

  names(): readonly string[] {
    return this.#names;
  }
}
