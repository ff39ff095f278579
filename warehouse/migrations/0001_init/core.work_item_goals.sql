-- Why each item counts toward each goal (DESIGN §4). Key: (item_id, goal_id); goal_id is NULL
-- for an unaligned item, which has exactly one row with its reason.
CREATE TABLE core.work_item_goals (
    item_id     VARCHAR NOT NULL,
    goal_id     VARCHAR,
    method      VARCHAR NOT NULL,    -- override, explicit, rule, inherited, unaligned
    rule_id     VARCHAR,
    rule_origin VARCHAR,             -- file:line of the rule or override
    via_item_id VARCHAR,             -- inherited: the item the goal came from
    weight      DOUBLE NOT NULL,     -- an item's weights sum to 1
    confidence  DOUBLE NOT NULL,
    evidence    VARCHAR NOT NULL,
    reason      VARCHAR,             -- unaligned: no_rule_matched, ignored_by_rule, ...
    mapped_at   TIMESTAMPTZ NOT NULL
);
