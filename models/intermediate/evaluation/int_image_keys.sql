-- A compact integer key per evaluated image, assigned once and never changed:
-- joins on the millions of error cases hash integers, not file names.
-- Incremental: images new to the evaluation set get the next keys.
{{ config(materialized='incremental') }}

with

multi_label_images as (

    select * from {{ ref('stg_ingest__multi_label_images') }}

),

{% if is_incremental() %}

    keyed_images as (

        select
            image_id,
            image_key
        from {{ this }}

    ),

{% endif %}

new_images as (

    select multi_label_images.image_id

    from multi_label_images
    {% if is_incremental() %}
        left join keyed_images
            on multi_label_images.image_id = keyed_images.image_id
        where keyed_images.image_id is null
    {% endif %}

),

{% if is_incremental() %}

    first_free_key as (

        select coalesce(max(image_key), 0) as image_key
        from keyed_images

    ),

{% endif %}

final as (

    select
        new_images.image_id,
        cast(
            row_number() over (order by new_images.image_id)
            {% if is_incremental() %}
                + (select first_free_key.image_key from first_free_key)
            {% endif %}
            as bigint
        ) as image_key

    from new_images

)

select * from final
