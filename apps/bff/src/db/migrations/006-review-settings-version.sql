-- Review settings are edited over HTTP (GET/PUT …/review-settings, routes/reviews.ts): the row gets
-- a version, sent as the ETag and required as If-Match, so two leads editing the reasons at once
-- cannot overwrite each other unseen. A tenant without a row is at version 0 (the defaults).
ALTER TABLE review_settings ADD COLUMN version integer NOT NULL DEFAULT 0;
