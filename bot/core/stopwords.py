"""English function words: they carry no topic, so they neither match a fact nor mark a
question as off-topic. Question words (what, who, when, ...) are not here: they are intent cues.
"""

STOPWORDS = frozenset(
    """
    a about above across afterwards again all almost alone along already also although always am among
    amongst an and another any anyhow anyone anything anyway anywhere are around as at back be became because
    become becomes becoming been being below beside besides between beyond both but by can
    cannot could d did do does doing done down due during each eg either else elsewhere enough etc even ever
    every everyone everything everywhere except few for from further get gets getting got gotten gotten
    gonna gotta had has have having he hence her here hereafter hereby herein hers herself him himself his
    however i ie if in indeed into is it its itself just ll least less m made make makes many may me meanwhile
    might mine more moreover most mostly much must my myself namely neither never nevertheless no nobody
    none noone nor nothing now nowhere o of off often on once one only onto or other others otherwise our
    ours ourselves out over own per perhaps please quite rather re really s same seem seemed seeming seems
    several she should since so some somehow someone something sometime sometimes somewhere still such t than
    that thats the their theirs them themselves then thence there thereafter thereby therefore therein these
    they this those though through throughout thru thus to together too toward towards u under until up upon
    ur us ve very via was wanna we well were whatever whence whenever whereafter whereas whereby wherein
    whereupon wherever whether while whither whoever whole whom whose will with within without would y yet you
    your yours yourself yourselves r w ok okay yeah yes yep nope nah
    im ive hes shes theyre theyve youre youve weve itll thatll theres heres lets
    """.split()
)
