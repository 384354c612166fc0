{#
    int_error_categories as this build will find it, for int_undecided_error_cases:
    none when it will be rebuilt whole (missing, --full-refresh, or its held
    inputs_fingerprint is not today's), so that every case is undecided then.
#}
{% macro decided_error_cases_relation() %}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes['model.' ~ project_name ~ '.int_error_categories'] -%}
    {%- set relation = adapter.get_relation(this.database, this.schema, node.alias or node.name) -%}
    {%- if relation is none or held_inputs_are_stale(node, relation) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(relation) }}
{% endmacro %}

{#
    fct_prediction_errors as this build finds it, for int_error_cases (upstream
    of it, hence no ref()): the models it holds are those whose cases were
    added. Every model is new when it is missing or will be rebuilt whole.
#}
{% macro classified_models_relation() %}
    {%- set node = graph.nodes['model.' ~ project_name ~ '.fct_prediction_errors'] -%}
    {%- set relation = adapter.get_relation(this.database, this.schema, node.alias or node.name) -%}
    {%- if relation is none or flags.FULL_REFRESH or held_inputs_are_stale(node, relation) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(relation) }}
{% endmacro %}
