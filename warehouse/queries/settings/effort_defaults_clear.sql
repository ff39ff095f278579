DELETE FROM meta.effort_defaults;
