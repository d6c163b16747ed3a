// Entry point of the model builder; the commands are added as the pipeline moves here from models/fetch-models.mjs.
return 0;
