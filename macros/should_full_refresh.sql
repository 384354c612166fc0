{#
    dbt's own macro (is_incremental() and the incremental materialization ask
    it), overridden so that an incremental model is rebuilt whole when what it
    holds was computed from other inputs than today's (inputs_fingerprint), or
    predates the `inputs_fingerprint` column. Otherwise as dbt's: the
    `full_refresh` config, else the --full-refresh flag.
#}
{% macro should_full_refresh() %}
    {%- set config_full_refresh = config.get('full_refresh') -%}
    {%- if config_full_refresh is none -%}
        {%- set config_full_refresh = flags.FULL_REFRESH -%}
    {%- endif -%}
    {%- if config_full_refresh -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(held_inputs_are_stale()) }}
{% endmacro %}

{#
    Whether the incremental model `node` (default: the one being built) holds,
    in `relation` (default: its own table), rows computed from other inputs
    than today's. Looked up once per node and run.
#}
{% macro held_inputs_are_stale(node=none, relation=none) %}
    {%- set node = node or model -%}
    {%- if not execute or node.resource_type != 'model'
        or node.config.materialized != 'incremental' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set cache = _fingerprint_cache() -%}
    {%- set key = 'stale:' ~ node.unique_id -%}
    {%- if key not in cache -%}
        {%- set relation = relation or adapter.get_relation(this.database, this.schema,
            node.alias or node.name) -%}
        {%- do cache.update({key: _held_inputs_differ(node, relation)}) -%}
    {%- endif -%}
    {{ return(cache[key]) }}
{% endmacro %}

{% macro _held_inputs_differ(node, relation) %}
    {%- if relation is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- if 'inputs_fingerprint' not in columns -%}
        {{ log(node.name ~ ": rebuilt whole, it predates inputs_fingerprint", info=true) }}
        {{ return(true) }}
    {%- endif -%}
    {%- set held = run_query('select inputs_fingerprint from ' ~ relation ~ ' limit 1') -%}
    {%- if held.rows | length == 0 -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set stale = held.rows[0][0] != inputs_fingerprint(node) -%}
    {%- if stale -%}
        {{ log(node.name ~ ": rebuilt whole, its inputs changed (inputs_fingerprint)", info=true) }}
    {%- endif -%}
    {{ return(stale) }}
{% endmacro %}
