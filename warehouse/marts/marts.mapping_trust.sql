-- Metric 5, mapping trust: how items got their goals (override / explicit / rule / inherited /
-- unaligned), and how much of it rests on low confidence (< 0.7).
CREATE OR REPLACE VIEW marts.mapping_trust AS
SELECT
    method,
    count(DISTINCT item_id) AS items,
    sum(linked_effort) AS effort,
    sum(linked_effort) / sum(sum(linked_effort)) OVER () AS effort_share,
    sum(linked_effort) FILTER (WHERE confidence < 0.7) / nullif(sum(linked_effort), 0) AS low_confidence_share,
    avg(confidence) AS avg_confidence
FROM marts.item_effort
GROUP BY method;
