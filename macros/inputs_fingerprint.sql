{#
    What an incremental model was computed from, as one digest: the code of
    every model, seed and macro upstream of it, the content of every source it
    reads (but the predictions, which it follows model by model with
    int_prediction_batches.predictions_fingerprint), the project's variables
    and dbt's version. The model stores it in its `inputs_fingerprint` column;
    when the digest it holds is not today's, the model is rebuilt whole
    (should_full_refresh): new labels, multi-labels, superclass definitions,
    embeddings or rules reclassify everything they can touch, with no
    --full-refresh and whatever sequence of commands came before.
    Computed once per node and run (cached in `graph`, which dbt shares between
    the nodes of one invocation).
#}
{% macro inputs_fingerprint(node=none) %}
    {%- set node = node or model -%}
    {%- if not execute or node.resource_type != 'model' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set cache = _fingerprint_cache() -%}
    {%- set key = 'node:' ~ node.unique_id -%}
    {%- if key not in cache -%}
        {%- do cache.update({key: local_md5(_upstream_inputs(node) | join('\n'))}) -%}
    {%- endif -%}
    {{ return(cache[key]) }}
{% endmacro %}

{% macro _fingerprint_cache() %}
    {%- if '_imagenet_errors_fingerprints' not in graph -%}
        {%- do graph.update({'_imagenet_errors_fingerprints': {}}) -%}
    {%- endif -%}
    {{ return(graph['_imagenet_errors_fingerprints']) }}
{% endmacro %}

{#- The lines the digest is made of, sorted: one per upstream input. -#}
{% macro _upstream_inputs(node) %}
    {%- set lines = ['dbt ' ~ dbt_version] -%}
    {%- for name, value in _project_vars().items() -%}
        {%- do lines.append('var ' ~ name ~ '=' ~ tojson(value)) -%}
    {%- endfor -%}
    {%- set seen = [] -%}
    {%- set pending = [node.unique_id] -%}
    {%- set macros = [] -%}
    {#- A depth-first walk (pop() takes the last pushed); the order does not matter,
        the lines are sorted. Jinja has no while, so a loop long enough for any graph. -#}
    {%- for _ in range(graph.nodes | length + graph.sources | length + 1) if pending -%}
        {%- set unique_id = pending.pop() -%}
        {%- if unique_id not in seen -%}
            {%- do seen.append(unique_id) -%}
            {%- if unique_id in graph.sources -%}
                {%- set source_node = graph.sources[unique_id] -%}
                {%- if source_node.name != 'predictions' -%}
                    {%- do lines.append(unique_id ~ '=' ~ source_fingerprint(source_node)) -%}
                {%- endif -%}
            {%- elif unique_id in graph.nodes -%}
                {%- set upstream = graph.nodes[unique_id] -%}
                {%- do lines.append(unique_id ~ '=' ~ upstream.checksum.checksum) -%}
                {%- do pending.extend(upstream.depends_on.nodes) -%}
                {%- do macros.extend(upstream.depends_on.macros) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set macro_seen = [] -%}
    {%- for _ in range(graph.macros | length + 1) if macros -%}
        {%- set unique_id = macros.pop() -%}
        {%- if unique_id not in macro_seen and unique_id in graph.macros -%}
            {%- do macro_seen.append(unique_id) -%}
            {%- set macro_node = graph.macros[unique_id] -%}
            {#- dbt's own macros change with its version, already a line. -#}
            {%- if macro_node.package_name == project_name -%}
                {%- do lines.append(unique_id ~ '=' ~ local_md5(macro_node.macro_sql)) -%}
            {%- endif -%}
            {%- do macros.extend(macro_node.depends_on.macros) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(lines | sort) }}
{% endmacro %}

{#- The variables of dbt_project.yml, with their values in this run. dbt gives
    macros no list of them (the var object's dict is private to its sandbox), so
    they are named here; tests/test_dbt_conventions.py fails when this list and
    dbt_project.yml's vars differ. -#}
{% macro _project_vars() %}
    {%- set values = {} -%}
    {%- for name in ['min_cooccurrence_images', 'oov_proposals_for_all_pairs'] -%}
        {%- do values.update({name: var(name, none)}) -%}
    {%- endfor -%}
    {{ return(values) }}
{% endmacro %}

{#- A source's files, by content (their footers' digest), cached for the run. -#}
{% macro source_fingerprint(source_node) %}
    {%- set cache = _fingerprint_cache() -%}
    {%- set key = 'source:' ~ source_node.unique_id -%}
    {%- if key not in cache -%}
        {%- set glob_path = source_node.meta.parquet_glob -%}
        {%- set value = 'no files' -%}
        {%- if glob_path and parquet_files_exist(glob_path) -%}
            {%- set value = run_query(parquet_files_digest_sql(glob_path)).columns[0].values()[0] -%}
        {%- endif -%}
        {%- do cache.update({key: value}) -%}
    {%- endif -%}
    {{ return(cache[key]) }}
{% endmacro %}

{#
    One digest of the files matching `glob_path`, from their footers: the
    digest of its rows our writers record (ingest/core/parquet_io.py), else,
    for files other tools wrote, the footer's row counts, sizes and statistics
    (parquet_footer_digest).
    Content only: where the files lie does not count.
#}
{% macro parquet_files_digest_sql(glob_path) %}
    {{ return(adapter.dispatch('parquet_files_digest_sql', 'imagenet_errors')(glob_path)) }}
{% endmacro %}

{#- Elsewhere every incremental model is a table rebuilt each build
    (incremental_materialization): no held rows to compare, no digest needed. -#}
{% macro default__parquet_files_digest_sql(glob_path) %}
    select 'not needed: rebuilt every build'
{% endmacro %}

{% macro duckdb__parquet_files_digest_sql(glob_path) %}
    with

    recorded as (

        select
            file_name,
            content_digest as digest
        from {{ parquet_recorded_digests_sql(glob_path) }}

    ),

    footers as (

        select
            file_name,
            {{ parquet_footer_digest() }} as digest
        from {{ parquet_row_groups_sql(glob_path) }}
        group by file_name

    )

    select md5(coalesce(string_agg(coalesce(recorded.digest, footers.digest), ','
        order by coalesce(recorded.digest, footers.digest)), ''))
    from footers
    left join recorded
        on footers.file_name = recorded.file_name
{% endmacro %}
