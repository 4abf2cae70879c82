-- model_selection marks exactly one chosen candidate.
select count(*) as selected_models
from {{ ref('model_selection') }}
where is_selected
having count(*) <> 1
