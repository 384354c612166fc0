{#
    The table of the incremental model `name` as this build finds it, or none
    when it is missing or will be rebuilt whole (--full-refresh, or its held
    inputs_fingerprint is not today's), and on targets where it is a table
    rebuilt by every build (incremental_materialization). For models upstream
    of it, hence no ref(): int_undecided_error_cases reads int_error_categories
    (every case is undecided when there is none), int_error_cases reads
    fct_prediction_errors (the models it holds are those whose cases were
    added; every model is new when there is none).
#}
{% macro relation_unless_rebuilt(name) %}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes['model.' ~ project_name ~ '.' ~ name] -%}
    {%- if node.config.materialized != 'incremental' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(this.database, this.schema, node.alias or node.name) -%}
    {%- if relation is none or held_inputs_are_stale(node, relation) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(relation) }}
{% endmacro %}
