-- The tailnet's ACL policy (HuJSON text), one row per saved version: the row with the highest id
-- is the policy in force; older rows are its history. No row = no policy = allow all. The text
-- is stored exactly as given (comments and all) so `policy get` returns what was set; it was
-- parsed and its tests passed before it was saved.
CREATE TABLE policies (
    id      ${id},
    text    TEXT    NOT NULL,
    author  TEXT    NOT NULL,                  -- who saved it, e.g. 'admin-socket' or 'api-key:<prefix>'
    created BIGINT  NOT NULL
);
