//! The demo's sample case, written for casefile: a fictional volunteer
//! battalion, "Shtorm", recruited from prisons with a promise of a pardon
//! after six months, unpaid from January 2024 and disbanded in May 2024.
//! Every person, unit and channel in it is made up. Five sources in three
//! languages: a Telegram channel export (Russian), two news pages (English
//! and Ukrainian), a testimony and a collective complaint.

use casefile_app::types::SourceKind;

/// One sample: its file name, its bytes, its kind, when it was collected.
pub(crate) struct Sample {
    pub name: &'static str,
    pub text: &'static str,
    pub kind: SourceKind,
    pub acquired_at: &'static str,
}

pub(crate) const SAMPLES: [Sample; 5] = [
    Sample {
        name: "result.json",
        kind: SourceKind::Post,
        acquired_at: "2024-06-20",
        text: r#"{
 "name": "Приазовский вестник (вымышленный канал)",
 "type": "public_channel",
 "id": 9000000001,
 "messages": [
  {
   "id": 11, "type": "message", "date": "2022-10-03T09:15:00", "date_unixtime": "1664788500",
   "from": "Приазовский вестник (вымышленный канал)", "from_id": "channel9000000001",
   "text": "Батальон «Шторм» набирает добровольцев в колониях Донецкой области. Командир батальона Иван Соколов обещает помилование через шесть месяцев службы."
  },
  {
   "id": 12, "type": "message", "date": "2024-02-10T18:40:00", "date_unixtime": "1707590400",
   "from": "Приазовский вестник (вымышленный канал)", "from_id": "channel9000000001",
   "text": "С января 2024 года бойцам батальона «Шторм» перестали платить, сообщили их родственники."
  },
  {
   "id": 13, "type": "message", "date": "2024-06-15T12:00:00", "date_unixtime": "1718452800",
   "from": "Приазовский вестник (вымышленный канал)", "from_id": "channel9000000001",
   "text": "По словам родственников, около 300 человек продолжают служить без контракта."
  }
 ]
}
"#,
    },
    Sample {
        name: "shtorm-disbanded.html",
        kind: SourceKind::News,
        acquired_at: "2024-08-21",
        text: "<html><head><title>A fictional battalion's fighters say their pardon never came</title>\
<meta property=\"article:published_time\" content=\"2024-08-20T08:00:00Z\"></head><body><article>\
<h1>A fictional battalion's fighters say their pardon never came</h1>\
<p>Fighters of the Shtorm battalion, who were recruited in the fall of 2022, were promised a \
pardon after six months of service, according to a collective complaint seen by reporters.</p>\
<p>The battalion was disbanded in May 2024, and its fighters were pressured into signing \
indefinite contracts with the Ministry of Defense. Ivan Sokolov, who founded Shtorm in 2021, \
did not respond to questions.</p>\
<p>“We were beaten when we refused to sign,” said a former fighter from Mariupol.</p>\
</article></body></html>\n",
    },
    Sample {
        name: "shtorm-uk.html",
        kind: SourceKind::News,
        acquired_at: "2024-07-02",
        text: "<html lang=\"uk\"><head><title>Батальйон «Шторм» розформували</title></head><body><article>\
<h1>Батальйон «Шторм» розформували</h1>\
<p>У травні 2024 року батальйон «Шторм» розформували, а його бійців змушують підписувати \
безстрокові контракти, пишуть журналісти вигаданого видання.</p>\
<p>Колишні ув'язнені розповідають, що їм обіцяли помилування через пів року служби.</p>\
</article></body></html>\n",
    },
    Sample {
        name: "testimony-fighter.txt",
        kind: SourceKind::Testimony,
        acquired_at: "2024-05-14",
        text: "Показания записаны для демонстрации casefile; человек вымышлен.\n\
Меня завербовали в октябре 2022 года прямо в колонии. Нам обещали помилование через полгода.\n\
В марте 2024 года меня избили за отказ подписать новый контракт.\n",
    },
    Sample {
        name: "collective-complaint.txt",
        kind: SourceKind::Complaint,
        acquired_at: "2024-06-01",
        text: "Колективна скарга, написана для демонстрації casefile; підписанти вигадані.\n\
Ми, близько 300 колишніх ув'язнених з батальйону «Шторм», просимо звільнити нас зі служби, \
як нам обіцяли восени 2022 року.\n",
    },
];
