// The store as the rest of Hearth holds it: an opaque handle that store/ functions take. The store gives it its
// shape (store/db.ts augments this interface), so nothing above the store names a database driver.

/** An open store; pass it to store/ functions. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the store (declaration merging)
export interface StoreHandle {}
