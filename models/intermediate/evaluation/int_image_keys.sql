-- A compact integer key per evaluated image: joins on the millions of error
-- cases hash integers, not file names. Numbered in image order, so the same
-- evaluation set always gets the same keys, whatever the order of the builds
-- that saw it (a table, rebuilt only when the labels change, and then with
-- everything keyed on it: inputs_fingerprint).
with

multi_label_images as (

    select * from {{ ref('stg_ingest__multi_label_images') }}

),

final as (

    select
        image_id,
        cast(row_number() over (order by image_id) as bigint) as image_key

    from multi_label_images

)

select * from final
