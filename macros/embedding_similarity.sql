{#
    Inner product of two embeddings stored as float lists (Parquet has no
    fixed-size arrays); both are L2-normalised, so it is their cosine
    similarity. Dispatched: each engine spells list arithmetic differently.
#}
{% macro embedding_similarity(left, right) %}
    {{ return(adapter.dispatch('embedding_similarity', 'imagenet_errors')(left, right)) }}
{% endmacro %}

{% macro default__embedding_similarity(left, right) %}
    {{ exceptions.raise_compiler_error(
        "embedding_similarity has no implementation for " ~ target.type
        ~ "; add a " ~ target.type ~ "__embedding_similarity macro"
    ) }}
{% endmacro %}

{% macro duckdb__embedding_similarity(left, right) %}
    list_inner_product({{ left }}, {{ right }})
{% endmacro %}

{% macro spark__embedding_similarity(left, right) %}
    aggregate(zip_with({{ left }}, {{ right }}, (x, y) -> x * y), cast(0 as double), (s, v) -> s + v)
{% endmacro %}

{% macro trino__embedding_similarity(left, right) %}
    reduce(zip_with({{ left }}, {{ right }}, (x, y) -> x * y), 0e0, (s, v) -> s + v, s -> s)
{% endmacro %}
