{#
    Data tests of incremental models check, in a build, only the rows that
    build wrote (every row, on a full build): the rows of earlier builds were
    checked when they were written, and checking millions of them again would
    cost each build seconds. A test opts in with `meta: {written_at_column:
    <the model's run timestamp column>}` in its config; `dbt test` on its own,
    or the variable `test_every_row: true`, checks every row.
#}
{% macro written_this_run(column) %}
    {%- if flags.WHICH in ['build', 'run'] and not var('test_every_row', false) -%}
        {{ column }} = {{ run_started_timestamp() }}
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}

{#
    dbt's own macro, which applies a data test's `where` config, overridden to
    add the written_this_run scope of tests whose meta names the column.
#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set column = (config.get('meta') or {}).get('written_at_column') -%}
    {%- if column -%}
        {%- set scope = written_this_run(column) -%}
        {%- set where = '(' ~ where ~ ') and ' ~ scope if where else scope -%}
    {%- endif -%}
    {%- if where -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') as dbt_subquery') }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
