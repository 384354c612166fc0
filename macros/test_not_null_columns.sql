{#
    None of `columns` is null: dbt's not_null for several columns in one query,
    so a model's null checks cost one test node instead of one per column (a
    node costs dbt a tenth of a second, on the path every added model waits on).
    Returns the offending rows.
#}
{% test not_null_columns(model, columns) %}
    select *
    from {{ model }}
    where
        {%- for column in columns %}
            {{ 'or ' if not loop.first }}{{ column }} is null
        {%- endfor %}
{% endtest %}
